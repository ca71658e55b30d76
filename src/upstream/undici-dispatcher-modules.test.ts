import * as undici from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import { describe, expect, it } from 'vitest';

describe('undici dispatcher modules imported by path', () => {
  it('are the Agent and Pool classes the package exports', () => {
    expect(Agent).toBe(undici.Agent);
    expect(Pool).toBe(undici.Pool);
  });
});
