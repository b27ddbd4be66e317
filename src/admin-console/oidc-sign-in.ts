import * as oidc from 'openid-client';
import type { PendingSignIn } from './signed-cookie.ts';
import { SIGN_IN_SECONDS } from './signed-cookie.ts';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the identity provider sends the browser back: `https://…/admin/callback`. */
  redirectUrl: string;
}

/** A sign-in the identity provider refused or that does not check out (a forged or stale state, a bad token). */
export class SignInFailed extends Error {}

/**
 * Sign-in through any OpenID Connect provider (Microsoft Entra ID, Sign in with Slack, Google), with
 * openid-client: the authorization code flow with PKCE (S256), `state` and `nonce` checked, and the
 * ID token's signature, issuer, audience and times verified against the provider's discovery
 * document and keys. The provider is discovered on first use, so start-up does not depend on it.
 */
export class OidcSignIn {
  readonly #settings: OidcSettings;
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(settings: OidcSettings) {
    this.#settings = settings;
  }

  /** Where to send the browser, and what to keep (signed, in a cookie) until it comes back. */
  async begin(nowSeconds: number): Promise<{ url: URL; pending: PendingSignIn }> {
    const configuration = await this.#configure();
    const verifier = oidc.randomPKCECodeVerifier();
    const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, expires: nowSeconds + SIGN_IN_SECONDS };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.#settings.redirectUrl,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /** The ID token's claims once the code is exchanged and every check passes. */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<Record<string, unknown>> {
    const configuration = await this.#configure();
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
      const claims = tokens.claims();
      if (claims === undefined) throw new SignInFailed('the identity provider sent no ID token');
      return { ...claims };
    } catch (error) {
      if (error instanceof SignInFailed) throw error;
      if (error instanceof oidc.ClientError || error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError || error instanceof oidc.WWWAuthenticateChallengeError) {
        throw new SignInFailed(error.message);
      }
      throw error;
    }
  }

  #configure(): Promise<oidc.Configuration> {
    if (this.#configuration === undefined) {
      const issuer = new URL(this.#settings.issuer);
      // Plain http only for a provider on this machine (load-config refuses it elsewhere): tests' fake provider.
      const execute = issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
      this.#configuration = oidc.discovery(issuer, this.#settings.clientId, { client_secret: this.#settings.clientSecret, redirect_uris: [this.#settings.redirectUrl] }, oidc.ClientSecretPost(this.#settings.clientSecret), { execute });
      // A provider that was down is asked again next time.
      this.#configuration.catch(() => {
        this.#configuration = undefined;
      });
    }
    return this.#configuration;
  }
}
