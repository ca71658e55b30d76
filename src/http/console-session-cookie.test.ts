import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  clearedSessionCookie,
  cookieNeedsSecure,
  crossOriginRefusal,
  readSessionCookie,
  sessionCookie,
} from './console-session-cookie.ts';

const id = 'A'.repeat(43);

function request(
  headers: Record<string, string>,
  socket: { localAddress?: string; encrypted?: boolean } = {},
): IncomingMessage {
  return { headers, socket } as unknown as IncomingMessage;
}

describe('readSessionCookie', () => {
  it.each([
    [`signalbox_session=${id}`, id],
    [`theme=dark; signalbox_session=${id}; other=1`, id],
    [`signalbox_session="${id}"`, id],
    [undefined, undefined],
    ['theme=dark', undefined],
    ['signalbox_session=', undefined],
    [`signalbox_session=${id}; signalbox_session=${id}`, undefined],
    [`signalbox_session=${id}; broken`, undefined],
    [`signalbox_session=${id}; =x`, undefined],
    [`signalbox_session=a b`, undefined],
    [`signalbox_session=a,b`, undefined],
    [`bad name=1; signalbox_session=${id}`, undefined],
  ])('reads %j as %j', (header, expected) => {
    expect(readSessionCookie(header)).toBe(expected);
  });
});

describe('the cookie', () => {
  it('is HttpOnly, SameSite=Strict, for the whole site, with its lifetime', () => {
    expect(sessionCookie(id, 28_800, true)).toBe(
      `signalbox_session=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800; Secure`,
    );
    expect(clearedSessionCookie(false)).toBe(
      'signalbox_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
    );
  });

  it('is Secure except on plain http to a loopback address by a loopback name', () => {
    const loopback = { localAddress: '127.0.0.1' };
    expect(cookieNeedsSecure(request({ host: 'localhost:8787' }, loopback))).toBe(false);
    expect(cookieNeedsSecure(request({ host: '127.0.0.1:8787' }, loopback))).toBe(false);
    expect(cookieNeedsSecure(request({ host: '[::1]:8787' }, { localAddress: '::1' }))).toBe(false);
    expect(cookieNeedsSecure(request({ host: 'gateway.example' }, loopback))).toBe(true);
    expect(cookieNeedsSecure(request({ host: 'localhost' }, { localAddress: '10.0.0.5' }))).toBe(
      true,
    );
    expect(
      cookieNeedsSecure(request({ host: 'localhost' }, { ...loopback, encrypted: true })),
    ).toBe(true);
  });
});

describe('crossOriginRefusal', () => {
  it.each([
    [{ host: 'gw.example:8787' }, false],
    [{ host: 'gw.example:8787', origin: 'http://gw.example:8787' }, false],
    [{ host: 'gw.example', origin: 'https://gw.example' }, false],
    [{ host: 'gw.example', origin: 'https://gw.example:443' }, false],
    [{ host: 'gw.example:8787', origin: 'http://evil.example:8787' }, true],
    [{ host: 'gw.example:8787', origin: 'http://gw.example:9999' }, true],
    [{ host: 'gw.example', origin: 'null' }, true],
    [{ host: 'gw.example', origin: 'file:///x' }, true],
    [{ host: 'gw.example', 'sec-fetch-site': 'cross-site' }, true],
    [{ host: 'gw.example', 'sec-fetch-site': 'same-origin' }, false],
  ])('%j refused: %s', (headers, refused) => {
    expect(crossOriginRefusal(request(headers)) !== undefined).toBe(refused);
  });
});
