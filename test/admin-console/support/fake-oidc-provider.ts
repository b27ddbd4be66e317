import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** Who the fake provider says signed in at its next authorization request. */
export interface FakeUser {
  sub: string;
  email: string;
  emailVerified?: boolean;
}

export interface FakeOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The person who "signs in" at the provider next; the browser is sent straight back, as after a real sign-in. */
  signInAs(user: FakeUser): void;
  /** Token requests answered with an ID token. */
  tokensIssued(): number;
  close(): Promise<void>;
}

interface IssuedCode {
  user: FakeUser;
  nonce: string;
  challenge: string;
  redirectUri: string;
}

/**
 * An OpenID Connect provider on loopback, as small as a real one looks to a client: a discovery
 * document, a JWKS, an authorization endpoint (which "signs in" the chosen user at once and sends
 * the browser back with a code) and a token endpoint that checks the client's secret and the PKCE
 * verifier and issues an RS256 ID token signed with jose.
 */
export async function startFakeOidcProvider(): Promise<FakeOidcProvider> {
  const clientId = 'trellis-admin-test';
  const clientSecret = randomBytes(16).toString('hex');
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  let user: FakeUser | undefined;
  let issued = 0;
  let issuer = '';

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => json(response, 500, { error: 'server_error', error_description: String(error) }));
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        scopes_supported: ['openid', 'email', 'profile'],
      });
    }
    if (url.pathname === '/jwks') return json(response, 200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || user === undefined) {
        return json(response, 400, { error: 'invalid_request' });
      }
      const code = randomBytes(16).toString('hex');
      codes.set(code, { user, nonce: q.get('nonce') ?? '', challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri') ?? '' });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      response.writeHead(302, { location: back.href });
      response.end();
      return;
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const issuedCode = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return json(response, 401, { error: 'invalid_client' });
      if (issuedCode === undefined || form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== issuedCode.redirectUri) return json(response, 400, { error: 'invalid_grant' });
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== issuedCode.challenge) return json(response, 400, { error: 'invalid_grant', error_description: 'PKCE verifier does not match' });
      const idToken = await new SignJWT({ nonce: issuedCode.nonce, email: issuedCode.user.email, email_verified: issuedCode.user.emailVerified ?? true })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(clientId)
        .setSubject(issuedCode.user.sub)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      issued++;
      return json(response, 200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken });
    }
    return json(response, 404, { error: 'not_found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    clientId,
    clientSecret,
    signInAs: (next) => {
      user = next;
    },
    tokensIssued: () => issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
