import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { configProblems } from '../support/config-problems.ts';

const ADMIN = {
  ADMIN_OIDC_ISSUER: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
  ADMIN_OIDC_CLIENT_ID: 'console-client',
  ADMIN_OIDC_CLIENT_SECRET: 'console-secret',
  ADMIN_OIDC_REDIRECT_URL: 'https://trellis.example.org/admin/callback',
  ADMIN_SESSION_SECRET: '0123456789abcdef0123456789abcdef',
};

const problemsOf = configProblems;

describe('the admin console’s configuration', () => {
  it('is read when all five variables are set, and absent (the console says it is not configured) when none is', () => {
    expect(loadConfig(ADMIN).admin).toEqual({ issuer: ADMIN.ADMIN_OIDC_ISSUER, clientId: 'console-client', clientSecret: 'console-secret', redirectUrl: ADMIN.ADMIN_OIDC_REDIRECT_URL, sessionSecret: ADMIN.ADMIN_SESSION_SECRET, trustedProxies: 0 });
    expect(loadConfig({}).admin).toBeUndefined();
  });

  it('takes the number of proxies in front of Trellis for sign-in rate limiting (ADMIN_TRUSTED_PROXIES), and refuses what is not 0 to 9', () => {
    expect(loadConfig({ ...ADMIN, ADMIN_TRUSTED_PROXIES: '1' }).admin?.trustedProxies).toBe(1);
    expect(problemsOf({ ...ADMIN, ADMIN_TRUSTED_PROXIES: 'yes' })).toEqual(['ADMIN_TRUSTED_PROXIES must be the number of proxies in front of Trellis that add to X-Forwarded-For, from 0 to 9 (a load balancer: 1) (got "yes").']);
  });

  it('names what is missing when only part is set', () => {
    const { ADMIN_SESSION_SECRET: _left, ...partial } = ADMIN;
    expect(problemsOf(partial)).toEqual(['The admin console is only partly configured: ADMIN_OIDC_ISSUER and ADMIN_OIDC_CLIENT_ID and ADMIN_OIDC_CLIENT_SECRET and ADMIN_OIDC_REDIRECT_URL and ADMIN_SESSION_SECRET must be set together (missing ADMIN_SESSION_SECRET).']);
  });

  it('refuses plain http except on this machine, a short session secret, and a redirect URL that is not /admin/callback', () => {
    expect(problemsOf({ ...ADMIN, ADMIN_OIDC_ISSUER: 'http://idp.example.org' })).toEqual([
      'ADMIN_OIDC_ISSUER must use https: sign-in codes and session cookies must not cross the network in the clear (plain http is accepted only for localhost).',
    ]);
    expect(loadConfig({ ...ADMIN, ADMIN_OIDC_ISSUER: 'http://127.0.0.1:4000', ADMIN_OIDC_REDIRECT_URL: 'http://localhost:3000/admin/callback' }).admin?.issuer).toBe('http://127.0.0.1:4000');
    const problems = problemsOf({ ...ADMIN, ADMIN_SESSION_SECRET: 'short', ADMIN_OIDC_REDIRECT_URL: 'https://trellis.example.org/callback' });
    expect(problems).toEqual([
      expect.stringMatching(/^ADMIN_OIDC_REDIRECT_URL must be the console's callback URL as registered with the identity provider, ending in \/admin\/callback/),
      'ADMIN_SESSION_SECRET must be a random secret of at least 32 characters (for example `openssl rand -hex 32`).',
    ]);
  });
});
