import { z } from 'zod';
import { ConfigError } from './config-error.ts';

export { ConfigError };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** Socket Mode app-level token; absent means the HTTP Events API. */
  appToken?: string;
  /** Override of https://slack.com/api/ (tests point it at a fake Slack). */
  apiUrl?: string;
}

export interface TeamsConfig {
  clientId: string;
  clientSecret: string;
  tenantId: string;
}

export interface Config {
  /** External PostgreSQL; when absent Trellis runs an embedded one under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  port: number;
  host: string;
  logLevel: LogLevel;
  /** `json` or `pretty`; absent means pretty on a terminal and JSON otherwise. */
  logFormat?: LogFormat;
  nodeEnv: NodeEnv;
  /** Present only when the Slack credentials are configured. */
  slack?: SlackConfig;
  /** Present only when the Teams (Entra app) credentials are configured. */
  teams?: TeamsConfig;
  /** Accept unauthenticated Teams requests: local development and tests only. */
  teamsSkipAuth: boolean;
  /** Accept Teams activities whose serviceUrl is on this machine (a fake Bot Connector): tests only. */
  teamsAllowLoopbackServiceUrl: boolean;
  /**
   * Where the Teams SDK fetches token signing keys, in place of Microsoft's sign-in hosts (a fake on
   * loopback): tests only, refused in production.
   */
  teamsLoginUrl?: string;
}

const url = z.url({ protocol: /^https?$/ });
const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

const envSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/[^\s]+$/).optional(),
  TRELLIS_DATA_DIR: z.string().default('./data'),
  PORT: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().max(65535)).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LOG_FORMAT: z.enum(LOG_FORMATS).optional(),
  NODE_ENV: z.enum(NODE_ENVS).default('development'),
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-').optional(),
  SLACK_API_URL: url.optional(),
  TEAMS_CLIENT_ID: z.string().optional(),
  TEAMS_CLIENT_SECRET: z.string().optional(),
  TEAMS_TENANT_ID: z.string().optional(),
  TEAMS_SKIP_AUTH: flag.default(false),
  TEAMS_ALLOW_LOOPBACK_SERVICE_URL: flag.default(false),
  TEAMS_LOGIN_URL: url.optional(),
});
type EnvName = keyof typeof envSchema.shape;

// One plain sentence per variable, whatever check failed: people fix configuration from these.
const expectations: Record<EnvName, string> = {
  DATABASE_URL: 'must be a PostgreSQL URL such as postgresql://user:password@localhost:5432/trellis',
  TRELLIS_DATA_DIR: 'must be a folder path',
  PORT: 'must be a whole number from 0 to 65535',
  HOST: 'must be a host name or IP address to listen on',
  LOG_LEVEL: `must be one of ${LOG_LEVELS.join(', ')}`,
  LOG_FORMAT: `must be one of ${LOG_FORMATS.join(', ')}`,
  NODE_ENV: `must be one of ${NODE_ENVS.join(', ')}`,
  SLACK_BOT_TOKEN: 'must be a Slack bot token, starting with xoxb-',
  SLACK_SIGNING_SECRET: 'must be the Slack app signing secret',
  SLACK_APP_TOKEN: 'must be a Slack app-level token, starting with xapp-',
  SLACK_API_URL: 'must be an http(s) URL',
  TEAMS_CLIENT_ID: 'must be the Teams bot (Entra app) client id',
  TEAMS_CLIENT_SECRET: 'must be the Teams bot client secret',
  TEAMS_TENANT_ID: 'must be the Microsoft Entra tenant id',
  TEAMS_SKIP_AUTH: 'must be true or false',
  TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'must be true or false',
  TEAMS_LOGIN_URL: 'must be a URL',
};
const names = Object.keys(envSchema.shape) as EnvName[];

/**
 * Reads Trellis's configuration from the environment, checking everything at once: on any
 * problem it throws a ConfigError listing all of them in plain words. Blank values count as unset,
 * as they usually come from an .env line left empty.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Partial<Record<EnvName, string>> = {};
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) raw[name] = value;
  }

  const problems: string[] = [];
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const bad = new Set(parsed.error.issues.map((issue) => issue.path[0] as EnvName));
    for (const name of names.filter((n) => bad.has(n))) {
      const shown = name.includes('SECRET') || name.includes('TOKEN') ? '' : ` (got "${raw[name]}")`;
      problems.push(`${name} ${expectations[name]}${shown}.`);
    }
  }
  // Cross-variable rules are checked on the raw values so they are reported even when a single
  // variable above is also wrong.
  problems.push(...findCombinationProblems(raw));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const v = parsed.data;
  const config: Config = {
    dataDir: v.TRELLIS_DATA_DIR,
    port: v.PORT,
    host: v.HOST,
    logLevel: v.LOG_LEVEL,
    nodeEnv: v.NODE_ENV,
    teamsSkipAuth: v.TEAMS_SKIP_AUTH,
    teamsAllowLoopbackServiceUrl: v.TEAMS_ALLOW_LOOPBACK_SERVICE_URL,
  };
  if (v.TEAMS_LOGIN_URL) config.teamsLoginUrl = v.TEAMS_LOGIN_URL;
  if (v.DATABASE_URL) config.databaseUrl = v.DATABASE_URL;
  if (v.LOG_FORMAT) config.logFormat = v.LOG_FORMAT;
  if (v.SLACK_BOT_TOKEN && v.SLACK_SIGNING_SECRET) {
    config.slack = { botToken: v.SLACK_BOT_TOKEN, signingSecret: v.SLACK_SIGNING_SECRET };
    if (v.SLACK_APP_TOKEN) config.slack.appToken = v.SLACK_APP_TOKEN;
    if (v.SLACK_API_URL) config.slack.apiUrl = v.SLACK_API_URL;
  }
  if (v.TEAMS_CLIENT_ID && v.TEAMS_CLIENT_SECRET && v.TEAMS_TENANT_ID) {
    config.teams = { clientId: v.TEAMS_CLIENT_ID, clientSecret: v.TEAMS_CLIENT_SECRET, tenantId: v.TEAMS_TENANT_ID };
  }
  return config;
}

function findCombinationProblems(raw: Partial<Record<EnvName, string>>): string[] {
  const problems: string[] = [];
  const allOrNothing = (group: string, required: EnvName[], dependants: EnvName[]): void => {
    const missing = required.filter((name) => !raw[name]);
    const anySet = [...required, ...dependants].some((name) => raw[name]);
    if (anySet && missing.length > 0) {
      problems.push(
        `${group} is only partly configured: ${required.join(' and ')} must be set together (missing ${missing.join(', ')}).`,
      );
    }
  };
  allOrNothing('Slack', ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'], ['SLACK_APP_TOKEN']);
  allOrNothing('Teams', ['TEAMS_CLIENT_ID', 'TEAMS_CLIENT_SECRET', 'TEAMS_TENANT_ID'], []);
  if (raw.NODE_ENV === 'production' && ['true', '1', 'yes'].includes(raw.TEAMS_SKIP_AUTH ?? '')) {
    problems.push(
      'TEAMS_SKIP_AUTH is refused when NODE_ENV=production: it would accept unauthenticated requests from anyone.',
    );
  }
  if (raw.NODE_ENV === 'production' && ['true', '1', 'yes'].includes(raw.TEAMS_ALLOW_LOOPBACK_SERVICE_URL ?? '')) {
    problems.push('TEAMS_ALLOW_LOOPBACK_SERVICE_URL is refused when NODE_ENV=production: it is for tests against a fake Bot Connector on this machine.');
  }
  if (raw.NODE_ENV === 'production' && raw.TEAMS_LOGIN_URL) {
    problems.push('TEAMS_LOGIN_URL is refused when NODE_ENV=production: token signing keys come only from Microsoft (login.botframework.com).');
  }
  return problems;
}
