import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { Clock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { runTrellisWith } from '../../support/run-cli.ts';
import { type FakeOidcProvider, type FakeUser, startFakeOidcProvider } from './fake-oidc-provider.ts';

export const TERMS = join(import.meta.dirname, '../../../config/terms/england-2026-28.yaml');

export interface AdminWorld {
  app: RunningApp;
  provider: FakeOidcProvider;
  /** The app's origin, `http://127.0.0.1:PORT`. */
  url: string;
  close(): Promise<void>;
}

/**
 * The real app on a real port with the admin console configured against a fake OpenID Connect
 * provider on loopback (Slack in single-token mode towards a closed port, so no playground runs).
 */
export async function startAdminWorld(databaseUrl: string, clock: Clock, options: { slackOAuth?: boolean } = {}): Promise<AdminWorld> {
  const provider = await startFakeOidcProvider();
  const port = await freePort();
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'silent',
    // "Add to Slack" configured (no Slack request is made in these tests), or one bot token.
    ...(options.slackOAuth === true
      ? { SLACK_CLIENT_ID: '1234567890.0987654321', SLACK_CLIENT_SECRET: 'not-used', SLACK_STATE_SECRET: 'a-state-secret-of-some-length', TRELLIS_ENCRYPTION_KEY: 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90' }
      : { SLACK_BOT_TOKEN: 'xoxb-test' }),
    SLACK_SIGNING_SECRET: 'not-used-in-these-tests',
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    ADMIN_OIDC_ISSUER: provider.issuer,
    ADMIN_OIDC_CLIENT_ID: provider.clientId,
    ADMIN_OIDC_CLIENT_SECRET: provider.clientSecret,
    ADMIN_OIDC_REDIRECT_URL: `http://127.0.0.1:${port}/admin/callback`,
    ADMIN_SESSION_SECRET: 'a-test-session-secret-of-enough-length-0123456789',
    // Each ConsoleClient is a client behind one proxy (its own X-Forwarded-For), so sign-in's rate limit counts each apart.
    ADMIN_TRUSTED_PROXIES: '1',
  });
  const app = await startApp(config, clock, silentLogger, { scheduler: false });
  return {
    app,
    provider,
    url: app.server.url,
    close: async () => {
      await app.close();
      await provider.close();
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Three schools: alpha (002's policy) and gamma in trust "north", beta in trust "south", alpha and beta with staff. */
export async function seedSchools(databaseUrl: string, at: string): Promise<void> {
  const cli = async (...argv: string[]) => {
    const run = await runTrellisWith({ databaseUrl, at }, ...argv);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  };
  const dir = await mkdtemp(join(tmpdir(), 'trellis-admin-'));
  for (const [slug, name, trust, policy] of [
    ['alpha', 'Alpha Academy', 'north', 'thomas-alleyne'],
    ['gamma', 'Gamma Primary', 'north', 'whmat'],
    ['beta', 'Beta School', 'south', 'whmat'],
  ] as const) {
    await cli('school', 'set', slug, '--policy', policy, '--terms', TERMS, '--name', name, '--trust', trust);
  }
  for (const slug of ['alpha', 'beta']) {
    const file = join(dir, `${slug}.csv`);
    await writeFile(file, rosterCsv(slug, ['t1', 't2', 't3']));
    await cli('import', 'roster', file, '--school', slug);
  }
}

/** A small roster of the school's own addresses: a head, a line manager and the given teachers. */
export function rosterCsv(slug: string, teachers: readonly string[], extraLines: readonly string[] = []): string {
  return [
    'email,full_name,role,line_manager_email,department,coach_email,start_date,contract,contract_end,flags',
    `head@${slug}.example,Head of ${slug},headteacher,,,,2015-09-01,permanent,,`,
    `hod@${slug}.example,Mo Manager,teacher,head@${slug}.example,Maths,,2019-09-01,permanent,,`,
    ...teachers.map((t, i) => `${t}@${slug}.example,Teacher ${t.toUpperCase()},teacher,hod@${slug}.example,Maths,,202${i % 6}-09-01,permanent,,`),
    ...extraLines,
  ].join('\n');
}

let nextClient = 1;

/**
 * A browser without a browser: a cookie jar, redirects followed by hand (so each hop can be
 * checked), and the CSRF token read from the last page's forms.
 */
export class ConsoleClient {
  readonly #cookies = new Map<string, string>();
  readonly base: string;
  /** The client's address as the proxy in front of Trellis reports it (X-Forwarded-For). */
  readonly address: string;

  constructor(base: string, address = `10.${nextClient >> 8}.${nextClient++ & 255}.7`) {
    this.base = base;
    this.address = address;
  }

  /** A cookie the console set, as the browser holds it. */
  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  /** Puts a cookie in the jar, as someone who copied it would. */
  setCookie(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.#send(new URL(path, this.base), { method: 'GET', headers });
  }

  post(path: string, form: URLSearchParams | FormData, headers: Record<string, string> = { origin: this.base }): Promise<Response> {
    return this.#send(new URL(path, this.base), { method: 'POST', body: form, headers });
  }

  hasSession(): boolean {
    return this.#cookies.has('trellis_admin');
  }

  /** To the provider and back: the responses of `/admin/sign-in`, the provider, and the callback (whose URL `alter` may change). */
  async signIn(provider: FakeOidcProvider, user: FakeUser, alter: (callback: URL) => URL = (url) => url): Promise<Response> {
    provider.signInAs(user);
    const start = await this.get('/admin/sign-in');
    expect(start.status).toBe(303);
    const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    expect(atProvider.status).toBe(302);
    const callback = alter(new URL(atProvider.headers.get('location')!));
    return this.#send(callback, { method: 'GET', headers: {} });
  }

  /** Signs in and follows the callback's redirect to `/admin`. */
  async signedIn(provider: FakeOidcProvider, user: FakeUser): Promise<string> {
    const callback = await this.signIn(provider, user);
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/admin');
    const home = await this.get('/admin');
    expect(home.status).toBe(200);
    return home.text();
  }

  async csrf(path: string): Promise<string> {
    const page = await (await this.get(path)).text();
    const token = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    if (token === undefined) throw new Error(`no form on ${path}`);
    return token;
  }

  async #send(url: URL, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const ours = url.origin === new URL(this.base).origin;
    const headers = ours ? { ...init.headers, 'x-forwarded-for': this.address, ...(cookie === '' ? {} : { cookie }) } : init.headers;
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      if (attributes.some((a) => a.trim().toLowerCase() === 'max-age=0')) this.#cookies.delete(name);
      else this.#cookies.set(name, pair!.slice(at + 1).trim());
    }
    return response;
  }
}
