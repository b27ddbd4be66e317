import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { configProblems } from '../support/config-problems.ts';
import { openSecret, sealSecret } from '../../src/storage/crypto/secret-box.ts';

const OAUTH = { SLACK_CLIENT_ID: '123.456', SLACK_CLIENT_SECRET: 'client-secret', SLACK_STATE_SECRET: 'a-state-secret-long-enough', SLACK_SIGNING_SECRET: 'signing' };
const KEY_HEX = randomBytes(32).toString('hex');

const problemsOf = configProblems;

describe('configuration for Slack installed in many workspaces', () => {
  it('with the OAuth variables and a key, Slack runs from installs (no bot token); the key is read from hex or base64', () => {
    const fromHex = loadConfig({ ...OAUTH, TRELLIS_ENCRYPTION_KEY: KEY_HEX });
    expect(fromHex.slack?.botToken).toBeUndefined();
    expect(fromHex.slack?.oauth).toMatchObject({ clientId: '123.456', clientSecret: 'client-secret', stateSecret: 'a-state-secret-long-enough' });
    expect(fromHex.slack?.oauth?.encryptionKey.toString('hex')).toBe(KEY_HEX);
    const fromBase64 = loadConfig({ ...OAUTH, TRELLIS_ENCRYPTION_KEY: Buffer.from(KEY_HEX, 'hex').toString('base64') });
    expect(fromBase64.slack?.oauth?.encryptionKey.equals(Buffer.from(KEY_HEX, 'hex'))).toBe(true);
  });

  it('refuses to start with OAuth but no TRELLIS_ENCRYPTION_KEY, in a plain sentence saying how to make one', () => {
    const problems = problemsOf(OAUTH);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^TRELLIS_ENCRYPTION_KEY is missing: .*openssl rand -hex 32/);
  });

  it('refuses a key that is not 32 bytes without echoing it, a bot token beside the OAuth variables, Socket Mode with OAuth, and half the OAuth variables', () => {
    const short = problemsOf({ ...OAUTH, TRELLIS_ENCRYPTION_KEY: 'abc123' });
    expect(short).toEqual([expect.stringMatching(/^TRELLIS_ENCRYPTION_KEY must be 32 random bytes/)]);
    expect(short[0]).not.toContain('abc123');
    expect(problemsOf({ ...OAUTH, TRELLIS_ENCRYPTION_KEY: KEY_HEX, SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([expect.stringMatching(/^Slack is configured twice/)]);
    expect(problemsOf({ ...OAUTH, TRELLIS_ENCRYPTION_KEY: KEY_HEX, SLACK_APP_TOKEN: 'xapp-1' })).toEqual([expect.stringMatching(/^SLACK_APP_TOKEN \(Socket Mode\) is for one workspace/)]);
    expect(problemsOf({ SLACK_CLIENT_ID: '123.456', SLACK_SIGNING_SECRET: 'signing', TRELLIS_ENCRYPTION_KEY: KEY_HEX })).toEqual([expect.stringMatching(/missing SLACK_CLIENT_SECRET, SLACK_STATE_SECRET/)]);
  });

  it('with only SLACK_BOT_TOKEN, single-token mode is unchanged', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'signing' }).slack).toEqual({ botToken: 'xoxb-1', signingSecret: 'signing' });
  });
});

describe('sealed secrets (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('open under the same key and context, and never hold the plaintext', () => {
    const sealed = sealSecret(key, '{"bot":{"token":"xoxb-secret"}}', 'T1');
    expect(sealed).not.toContain('xoxb');
    expect(sealed).not.toBe(sealSecret(key, '{"bot":{"token":"xoxb-secret"}}', 'T1'));
    expect(openSecret(key, sealed, 'T1')).toBe('{"bot":{"token":"xoxb-secret"}}');
  });

  it('refuse to open under another key, under another row’s context, or once tampered with', () => {
    const sealed = sealSecret(key, 'xoxb-secret', 'T1');
    expect(() => openSecret(randomBytes(32), sealed, 'T1')).toThrow();
    expect(() => openSecret(key, sealed, 'T2')).toThrow();
    const [version, nonce, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openSecret(key, [version, nonce, tag, flipped.toString('base64')].join('.'), 'T1')).toThrow();
  });
});
