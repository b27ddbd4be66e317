import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/admin-console/admin-routes.ts';

const request = (remoteAddress: string, forwardedFor?: string) => ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('the client address sign-in is rate-limited by', () => {
  it('is the connection’s own address when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress(request('203.0.113.5', '198.51.100.1'), 0)).toBe('203.0.113.5');
  });

  it('behind one trusted proxy is the address that proxy appended last, not one the client wrote before it', () => {
    expect(clientAddress(request('10.0.0.2', '198.51.100.1'), 1)).toBe('198.51.100.1');
    expect(clientAddress(request('10.0.0.2', 'forged-by-client, 198.51.100.1'), 1)).toBe('198.51.100.1');
  });

  it('behind two trusted proxies is the address the outer one saw; without the header, the connection’s', () => {
    expect(clientAddress(request('10.0.0.3', 'forged, 198.51.100.7, 10.0.0.2'), 2)).toBe('198.51.100.7');
    expect(clientAddress(request('10.0.0.3'), 1)).toBe('10.0.0.3');
  });
});
