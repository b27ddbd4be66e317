import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

function signingKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, kty: 'RSA', use: 'sig', alg: 'RS256' } };
}

/**
 * Microsoft's sign-in services on loopback, as the Teams SDK reads them: the Bot Framework's
 * OpenID metadata and keys (`/v1/.well-known/…`, login.botframework.com) and any Entra tenant's
 * keys (`/<tenant>/discovery/v2.0/keys`, login.microsoftonline.com), each with its own RSA key,
 * and the token endpoint (`/<tenant>/oauth2/v2.0/token`) that gives this app its own token.
 * `token` signs JWTs with either, or with a key neither publishes.
 */
export class FakeMicrosoftLogin {
  readonly #botFramework = signingKey('bot-framework-key');
  readonly #entra = signingKey('entra-key');
  readonly #unpublished = signingKey('bot-framework-key');
  #server: Server | undefined;
  url = '';
  /** Paths fetched, in order. */
  readonly fetched: string[] = [];

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0]!;
      this.fetched.push(path);
      if (request.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
        // This app's own token (client credentials), for its calls to the Bot Connector.
        const token = this.token({ iss: 'https://api.botframework.com', aud: 'https://api.botframework.com', exp: Math.floor(Date.now() / 1000) + 3600 }, 'bot-framework');
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: token }));
        return;
      }
      const body =
        path === '/v1/.well-known/openidconfiguration'
          ? { issuer: 'https://api.botframework.com', jwks_uri: `${this.url}/v1/.well-known/keys` }
          : path === '/v1/.well-known/keys'
            ? { keys: [this.#botFramework.jwk] }
            : /^\/[^/]+\/discovery\/v2\.0\/keys$/.test(path)
              ? { keys: [this.#entra.jwk] }
              : undefined;
      if (body === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** A signed RS256 JWT: `by` the Bot Framework's published key, an Entra tenant's, or one nobody publishes (same kid as the Bot Framework's). */
  token(claims: Record<string, unknown>, by: 'bot-framework' | 'entra' | 'unpublished'): string {
    const key = by === 'bot-framework' ? this.#botFramework : by === 'entra' ? this.#entra : this.#unpublished;
    const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${encode(claims)}`;
    return `${unsigned}.${sign('sha256', Buffer.from(unsigned), key.privateKey).toString('base64url')}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }
}
