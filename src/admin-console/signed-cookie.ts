import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The admin console's session: who signed in, until when, and the id its CSRF token is made from. */
export interface AdminSession {
  email: string;
  /** Seconds since the epoch. */
  expires: number;
  id: string;
}

/** The sign-in in progress, between leaving for the identity provider and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  expires: number;
}

export const SESSION_COOKIE = 'trellis_admin';
export const SIGN_IN_COOKIE = 'trellis_admin_sign_in';
/** A console session lasts a working day; signing in again is one click at the identity provider. */
export const SESSION_SECONDS = 8 * 60 * 60;
/** Time allowed at the identity provider to sign in. */
export const SIGN_IN_SECONDS = 10 * 60;

/**
 * Values kept in cookies, signed with HMAC-SHA-256 under ADMIN_SESSION_SECRET: the browser holds
 * them but cannot change them, and every replica reads them without a shared store. Cookies are
 * HttpOnly, SameSite=Lax, limited to /admin, and Secure when the console is served over https.
 */
export class CookieSigner {
  readonly #secret: string;
  readonly #secure: boolean;

  constructor(secret: string, secure: boolean) {
    this.#secret = secret;
    this.#secure = secure;
  }

  /** `Set-Cookie` for a value good until `expires` (seconds since the epoch). */
  cookie(name: string, value: { expires: number }, nowSeconds: number): string {
    const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
    const maxAge = Math.max(0, value.expires - nowSeconds);
    return `${name}=${payload}.${this.#mac(name, payload)}; Path=/admin; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${this.#secure ? '; Secure' : ''}`;
  }

  /** `Set-Cookie` that removes one. */
  clear(name: string): string {
    return `${name}=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Lax${this.#secure ? '; Secure' : ''}`;
  }

  /** The cookie's value when its signature holds and it has not expired; otherwise undefined. */
  read<T extends { expires: number }>(request: IncomingMessage, name: string, nowSeconds: number, valid: (value: unknown) => value is T): T | undefined {
    const raw = cookiesOf(request).get(name);
    if (raw === undefined) return undefined;
    const [payload, mac] = raw.split('.');
    if (payload === undefined || mac === undefined || !sameText(mac, this.#mac(name, payload))) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch (error) {
      if (error instanceof SyntaxError) return undefined;
      throw error;
    }
    return valid(value) && value.expires > nowSeconds ? value : undefined;
  }

  /** The CSRF token of a session: every form carries it and every POST must return it. */
  csrfToken(session: AdminSession): string {
    return createHmac('sha256', this.#secret).update(`csrf:${session.id}`).digest('base64url');
  }

  checkCsrf(session: AdminSession, token: string | undefined): boolean {
    return token !== undefined && sameText(token, this.csrfToken(session));
  }

  #mac(name: string, payload: string): string {
    return createHmac('sha256', this.#secret).update(`${name}:${payload}`).digest('base64url');
  }
}

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export function isSession(value: unknown): value is AdminSession {
  const v = value as Partial<AdminSession> | null;
  return typeof v === 'object' && v !== null && typeof v.email === 'string' && typeof v.expires === 'number' && typeof v.id === 'string';
}

export function isPendingSignIn(value: unknown): value is PendingSignIn {
  const v = value as Partial<PendingSignIn> | null;
  return typeof v === 'object' && v !== null && typeof v.state === 'string' && typeof v.nonce === 'string' && typeof v.verifier === 'string' && typeof v.expires === 'number';
}

function cookiesOf(request: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return cookies;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
