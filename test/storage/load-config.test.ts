import { describe, expect, it } from 'vitest';
import { type ConfigError, loadConfig } from '../../src/config/load-config.ts';
import { configProblems } from '../support/config-problems.ts';

const problemsOf = configProblems;

describe('loadConfig', () => {
  it('reads SMTP for e-mail to the head’s reviewers not on the roster (002 §22–24), both or neither, and never prints the URL, which may hold a password', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://user:pw@smtp.example.org:587', SMTP_FROM: 'Trellis <trellis@school.example>' }).smtp).toEqual({ url: 'smtp://user:pw@smtp.example.org:587', from: 'Trellis <trellis@school.example>' });
    expect(problemsOf({ SMTP_URL: 'smtp://smtp.example.org' })).toEqual(['E-mail is only partly configured: SMTP_URL and SMTP_FROM must be set together (missing SMTP_FROM).']);
    expect(problemsOf({ SMTP_URL: 'http://user:secret@smtp.example.org', SMTP_FROM: 'not an address' })).toEqual([
      'SMTP_URL must be an SMTP server URL such as smtp://user:password@smtp.example.org:587 or smtps://smtp.example.org:465.',
      'SMTP_FROM must be the address e-mail is sent from, such as trellis@school.example or "Trellis <trellis@school.example>" (got "not an address").',
    ]);
  });

  it('gives working defaults for an empty environment (embedded database, no platforms)', () => {
    expect(loadConfig({})).toEqual({
      dataDir: './data',
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'info',
      nodeEnv: 'development',
      teamsSkipAuth: false,
      teamsAllowLoopbackServiceUrl: false,
    });
  });

  it('reads a full configuration', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://trellis:secret@db.internal:5432/trellis',
      TRELLIS_DATA_DIR: '/var/lib/trellis',
      PORT: '8080',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'shh',
      SLACK_APP_TOKEN: 'xapp-1-abc',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      TEAMS_CLIENT_ID: 'client',
      TEAMS_CLIENT_SECRET: 'secret',
      TEAMS_TENANT_ID: 'tenant',
    });
    expect(config).toEqual({
      databaseUrl: 'postgresql://trellis:secret@db.internal:5432/trellis',
      dataDir: '/var/lib/trellis',
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'debug',
      nodeEnv: 'production',
      slack: { botToken: 'xoxb-1-2-abc', signingSecret: 'shh', appToken: 'xapp-1-abc', apiUrl: 'http://127.0.0.1:9999/api/' },
      teams: {
        clientId: 'client',
        clientSecret: 'secret',
        tenantId: 'tenant',
        graph: { loginUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com/v1.0', serviceUrl: 'https://smba.trafficmanager.net/teams/' },
      },
      teamsSkipAuth: false,
      teamsAllowLoopbackServiceUrl: false,
    });
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '  ', SLACK_BOT_TOKEN: '' })).toMatchObject({ port: 3000 });
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('lists every problem at once, in plain words, without echoing secrets', () => {
    const env = {
      DATABASE_URL: 'mysql://nope',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      NODE_ENV: 'staging',
      SLACK_BOT_TOKEN: 'not-a-bot-token',
      TEAMS_SKIP_AUTH: 'maybe',
      TEAMS_CLIENT_ID: 'client-only',
    };
    const problems = problemsOf(env);
    expect(problems).toEqual([
      'DATABASE_URL must be a PostgreSQL URL such as postgresql://user:password@localhost:5432/trellis (got "mysql://nope").',
      'PORT must be a whole number from 0 to 65535 (got "eighty").',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud").',
      'NODE_ENV must be one of development, test, production (got "staging").',
      'SLACK_BOT_TOKEN must be a Slack bot token, starting with xoxb-.',
      'TEAMS_SKIP_AUTH must be true or false (got "maybe").',
      'Slack is only partly configured: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set together (missing SLACK_SIGNING_SECRET).',
      'Teams is only partly configured: TEAMS_CLIENT_ID and TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID must be set together (missing TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID).',
    ]);
    const error = (() => {
      try {
        loadConfig(env);
      } catch (caught) {
        return caught as ConfigError;
      }
      return undefined;
    })();
    expect(error?.message).toContain('the configuration has 8 problems');
    for (const problem of problems) expect(error?.message).toContain(problem);
  });

  it('reads LOG_FORMAT json or pretty, leaving it unset to follow the terminal, and names a wrong one plainly', () => {
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({}).logFormat).toBeUndefined();
    expect(problemsOf({ LOG_FORMAT: 'xml' })).toEqual(['LOG_FORMAT must be one of json, pretty (got "xml").']);
  });

  it('rejects an out-of-range port', () => {
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT must be a whole number from 0 to 65535 (got "70000").']);
  });

  it('requires the Slack bot token and signing secret together', () => {
    expect(problemsOf({ SLACK_SIGNING_SECRET: 'shh' })).toEqual([
      'Slack is only partly configured: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set together (missing SLACK_BOT_TOKEN).',
    ]);
    // An app token alone is also a half-configured Slack.
    expect(problemsOf({ SLACK_APP_TOKEN: 'xapp-1' })).toHaveLength(1);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'shh' }).slack).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 'shh',
    });
  });

  it('requires all three Teams credentials together', () => {
    expect(problemsOf({ TEAMS_CLIENT_ID: 'id', TEAMS_TENANT_ID: 'tenant' })).toEqual([
      'Teams is only partly configured: TEAMS_CLIENT_ID and TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID must be set together (missing TEAMS_CLIENT_SECRET).',
    ]);
  });

  it('accepts TEAMS_SKIP_AUTH for development and tests but refuses it in production', () => {
    expect(loadConfig({ TEAMS_SKIP_AUTH: 'true', NODE_ENV: 'test' }).teamsSkipAuth).toBe(true);
    expect(loadConfig({ TEAMS_SKIP_AUTH: '1' }).teamsSkipAuth).toBe(true);
    expect(problemsOf({ TEAMS_SKIP_AUTH: 'true', NODE_ENV: 'production' })).toEqual([
      'TEAMS_SKIP_AUTH is refused when NODE_ENV=production: it would accept unauthenticated requests from anyone.',
    ]);
    expect(loadConfig({ TEAMS_SKIP_AUTH: 'false', NODE_ENV: 'production' }).teamsSkipAuth).toBe(false);
    expect(loadConfig({ TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'true' }).teamsAllowLoopbackServiceUrl).toBe(true);
    expect(problemsOf({ TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'true', NODE_ENV: 'production' })).toEqual([
      'TEAMS_ALLOW_LOOPBACK_SERVICE_URL is refused when NODE_ENV=production: it is for tests against a fake Bot Connector on this machine.',
    ]);
  });
});
