/** The tenant the Teams tests' app is configured for. */
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/**
 * The environment a Teams test starts the real app with: the Teams channel for `TENANT`, the
 * fake Bot Connector on loopback allowed as a serviceUrl, and (unless `auth` is asked for) the
 * Bot Framework JWT check skipped, as the fake connector signs nothing.
 */
export function teamsTestEnv(databaseUrl: string, options: { auth?: boolean } = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    TEAMS_CLIENT_ID: '00000000-0000-4000-8000-000000000001',
    TEAMS_CLIENT_SECRET: 'test-secret',
    TEAMS_TENANT_ID: TENANT,
    ...(options.auth === true ? {} : { TEAMS_SKIP_AUTH: 'true' }),
    TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'true',
  };
}
