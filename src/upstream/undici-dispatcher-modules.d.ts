// undici's own files for the two dispatchers the upstream pool builds. Importing them instead of
// the package's index leaves out fetch, WebSocket, the cache and the mocks, about a hundred
// modules the gateway never uses (1–3 MB less resident memory after `serve` starts, measured).
// They are the classes the index exports (undici is pinned;
// `undici-dispatcher-modules.test.ts` checks they stay the same).
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export = AgentClass;
}

declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolClass: typeof Pool;
  export = PoolClass;
}
