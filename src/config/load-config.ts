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
  /** One workspace's bot token (single-token mode); absent when the app is installed through OAuth. */
  botToken?: string;
  signingSecret: string;
  /** "Add to Slack" for many workspaces: present instead of `botToken` when the OAuth variables are set. */
  oauth?: SlackOAuthConfig;
  /** Socket Mode app-level token; absent means the HTTP Events API. */
  appToken?: string;
  /** Override of https://slack.com/api/ (tests point it at a fake Slack). */
  apiUrl?: string;
  /** Override of https://slack.com/oauth/v2/authorize, where "Add to Slack" sends the installer (tests). */
  oauthUrl?: string;
}

export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Signs the OAuth `state` parameter (Bolt's installer). */
  stateSecret: string;
  /** TRELLIS_ENCRYPTION_KEY: 32 bytes, the AES-256-GCM key installations' tokens are stored under. */
  encryptionKey: Buffer;
}

export interface TeamsConfig {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  /** Installing the app for staff through Microsoft Graph (`trellis teams install`). */
  graph: TeamsGraphConfig;
}

export interface TeamsGraphConfig {
  /** Where app-only Graph tokens come from, per tenant: https://login.microsoftonline.com (a fake in tests). */
  loginUrl: string;
  /** https://graph.microsoft.com/v1.0 (a fake in tests). */
  graphUrl: string;
  /** The Bot Connector a chat made through Graph is reached at until its first activity names its own: https://smba.trafficmanager.net/teams/. */
  serviceUrl: string;
}

/** The admin console's sign-in (OpenID Connect) and session; without it `/admin` says it is not configured. */
export interface AdminConsoleConfig {
  /** The identity provider's issuer URL (its discovery document is under /.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registered with the provider as the redirect URI: `https://trellis.example.org/admin/callback`. */
  redirectUrl: string;
  /** Signs the console's cookies (session, sign-in in progress) and CSRF tokens. */
  sessionSecret: string;
  /**
   * Proxies in front of Trellis that append the client's address to X-Forwarded-For (a load
   * balancer: 1); 0 takes the connection's own address. Sign-in is rate-limited per client address.
   */
  trustedProxies: number;
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
  /** Present only when the admin console's OpenID Connect sign-in is configured. */
  admin?: AdminConsoleConfig;
  /** Present only when SMTP is configured: e-mail to the head's reviewers who are not on the roster (002 §22–24, 004 §9.1). */
  smtp?: SmtpConfig;
}

export interface SmtpConfig {
  /** `smtp://user:pass@host:587` or `smtps://…:465`, as nodemailer reads it. */
  url: string;
  /** The From address, e.g. `Trellis <trellis@school.example>`. */
  from: string;
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
  SLACK_CLIENT_ID: z.string().optional(),
  SLACK_CLIENT_SECRET: z.string().optional(),
  SLACK_STATE_SECRET: z.string().min(16).optional(),
  SLACK_OAUTH_URL: url.optional(),
  TRELLIS_ENCRYPTION_KEY: z.string().transform((text, ctx) => {
    const key = encryptionKeyOf(text);
    if (key === undefined) ctx.addIssue({ code: 'custom', message: 'not a 32-byte key' });
    return key ?? Buffer.alloc(0);
  }).optional(),
  TEAMS_CLIENT_ID: z.string().optional(),
  TEAMS_CLIENT_SECRET: z.string().optional(),
  TEAMS_TENANT_ID: z.string().optional(),
  TEAMS_SKIP_AUTH: flag.default(false),
  TEAMS_ALLOW_LOOPBACK_SERVICE_URL: flag.default(false),
  TEAMS_LOGIN_URL: url.optional(),
  TEAMS_GRAPH_LOGIN_URL: url.default('https://login.microsoftonline.com'),
  TEAMS_GRAPH_URL: url.default('https://graph.microsoft.com/v1.0'),
  TEAMS_SERVICE_URL: url.default('https://smba.trafficmanager.net/teams/'),
  ADMIN_OIDC_ISSUER: url.optional(),
  ADMIN_OIDC_CLIENT_ID: z.string().optional(),
  ADMIN_OIDC_CLIENT_SECRET: z.string().optional(),
  ADMIN_OIDC_REDIRECT_URL: url.refine((text) => new URL(text).pathname === '/admin/callback').optional(),
  ADMIN_SESSION_SECRET: z.string().min(32).optional(),
  ADMIN_TRUSTED_PROXIES: z.string().regex(/^\d$/).transform(Number).default(0),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SMTP_FROM: z.string().regex(/^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/).optional(),
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
  SLACK_CLIENT_ID: 'must be the Slack app client id (Basic Information → App Credentials)',
  SLACK_CLIENT_SECRET: 'must be the Slack app client secret',
  SLACK_STATE_SECRET: 'must be a random secret of at least 16 characters (for example `openssl rand -hex 32`)',
  SLACK_OAUTH_URL: 'must be an http(s) URL',
  TRELLIS_ENCRYPTION_KEY: 'must be 32 random bytes written as 64 hex digits or in base64 (make one with `openssl rand -hex 32`)',
  TEAMS_CLIENT_ID: 'must be the Teams bot (Entra app) client id',
  TEAMS_CLIENT_SECRET: 'must be the Teams bot client secret',
  TEAMS_TENANT_ID: 'must be the Microsoft Entra tenant id',
  TEAMS_SKIP_AUTH: 'must be true or false',
  TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'must be true or false',
  TEAMS_LOGIN_URL: 'must be a URL',
  TEAMS_GRAPH_LOGIN_URL: 'must be an http(s) URL (Microsoft\'s sign-in service, https://login.microsoftonline.com)',
  TEAMS_GRAPH_URL: 'must be an http(s) URL (Microsoft Graph, https://graph.microsoft.com/v1.0)',
  TEAMS_SERVICE_URL: 'must be an http(s) URL (the Bot Connector, https://smba.trafficmanager.net/teams/)',
  ADMIN_OIDC_ISSUER: 'must be the identity provider\'s issuer URL, such as https://login.microsoftonline.com/TENANT_ID/v2.0',
  ADMIN_OIDC_CLIENT_ID: 'must be the client id the identity provider gave the console',
  ADMIN_OIDC_CLIENT_SECRET: 'must be the client secret the identity provider gave the console',
  ADMIN_OIDC_REDIRECT_URL: 'must be the console\'s callback URL as registered with the identity provider, ending in /admin/callback (for example https://trellis.example.org/admin/callback)',
  ADMIN_SESSION_SECRET: 'must be a random secret of at least 32 characters (for example `openssl rand -hex 32`)',
  ADMIN_TRUSTED_PROXIES: 'must be the number of proxies in front of Trellis that add to X-Forwarded-For, from 0 to 9 (a load balancer: 1)',
  SMTP_URL: 'must be an SMTP server URL such as smtp://user:password@smtp.example.org:587 or smtps://smtp.example.org:465',
  SMTP_FROM: 'must be the address e-mail is sent from, such as trellis@school.example or "Trellis <trellis@school.example>"',
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
      const shown = name.includes('SECRET') || name.includes('TOKEN') || name.includes('KEY') || name === 'SMTP_URL' ? '' : ` (got "${raw[name]}")`;
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
  } else if (v.SLACK_CLIENT_ID && v.SLACK_CLIENT_SECRET && v.SLACK_STATE_SECRET && v.SLACK_SIGNING_SECRET && v.TRELLIS_ENCRYPTION_KEY) {
    const oauth = { clientId: v.SLACK_CLIENT_ID, clientSecret: v.SLACK_CLIENT_SECRET, stateSecret: v.SLACK_STATE_SECRET, encryptionKey: v.TRELLIS_ENCRYPTION_KEY };
    config.slack = { signingSecret: v.SLACK_SIGNING_SECRET, oauth };
    if (v.SLACK_OAUTH_URL) config.slack.oauthUrl = v.SLACK_OAUTH_URL;
  }
  if (config.slack && v.SLACK_API_URL) config.slack.apiUrl = v.SLACK_API_URL;
  if (v.TEAMS_CLIENT_ID && v.TEAMS_CLIENT_SECRET && v.TEAMS_TENANT_ID) {
    const graph = { loginUrl: v.TEAMS_GRAPH_LOGIN_URL, graphUrl: v.TEAMS_GRAPH_URL, serviceUrl: v.TEAMS_SERVICE_URL };
    config.teams = { clientId: v.TEAMS_CLIENT_ID, clientSecret: v.TEAMS_CLIENT_SECRET, tenantId: v.TEAMS_TENANT_ID, graph };
  }
  if (v.ADMIN_OIDC_ISSUER && v.ADMIN_OIDC_CLIENT_ID && v.ADMIN_OIDC_CLIENT_SECRET && v.ADMIN_OIDC_REDIRECT_URL && v.ADMIN_SESSION_SECRET) {
    config.admin = { issuer: v.ADMIN_OIDC_ISSUER, clientId: v.ADMIN_OIDC_CLIENT_ID, clientSecret: v.ADMIN_OIDC_CLIENT_SECRET, redirectUrl: v.ADMIN_OIDC_REDIRECT_URL, sessionSecret: v.ADMIN_SESSION_SECRET, trustedProxies: v.ADMIN_TRUSTED_PROXIES };
  }
  if (v.SMTP_URL && v.SMTP_FROM) config.smtp = { url: v.SMTP_URL, from: v.SMTP_FROM };
  return config;
}

/** A plain-http URL is accepted only on this machine (a test's fake identity provider, a console tried locally). */
function isLoopbackHttp(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch (error) {
    if (error instanceof TypeError) return true; // reported by the variable's own check
    throw error;
  }
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
  const oauthVariables: EnvName[] = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];
  const oauth = oauthVariables.some((name) => raw[name]);
  if (oauth && raw.SLACK_BOT_TOKEN) {
    problems.push('Slack is configured twice: set SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install Trellis in many workspaces, not both.');
  } else if (oauth) {
    allOrNothing('Slack (installed in many workspaces)', [...oauthVariables, 'SLACK_SIGNING_SECRET'], []);
    if (!raw.TRELLIS_ENCRYPTION_KEY) {
      problems.push('TRELLIS_ENCRYPTION_KEY is missing: installing Trellis in many Slack workspaces stores each workspace\'s bot token, and Trellis stores them only encrypted. Set it to 32 random bytes (`openssl rand -hex 32`) and keep it safe: without it the stored tokens cannot be read.');
    }
    if (raw.SLACK_APP_TOKEN) {
      problems.push('SLACK_APP_TOKEN (Socket Mode) is for one workspace: installing Trellis in many workspaces needs the Request URL, so leave SLACK_APP_TOKEN unset.');
    }
  } else {
    allOrNothing('Slack', ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'], ['SLACK_APP_TOKEN']);
  }
  allOrNothing('Teams', ['TEAMS_CLIENT_ID', 'TEAMS_CLIENT_SECRET', 'TEAMS_TENANT_ID'], []);
  allOrNothing('E-mail', ['SMTP_URL', 'SMTP_FROM'], []);
  allOrNothing('The admin console', ['ADMIN_OIDC_ISSUER', 'ADMIN_OIDC_CLIENT_ID', 'ADMIN_OIDC_CLIENT_SECRET', 'ADMIN_OIDC_REDIRECT_URL', 'ADMIN_SESSION_SECRET'], []);
  for (const name of ['ADMIN_OIDC_ISSUER', 'ADMIN_OIDC_REDIRECT_URL'] as const) {
    const value = raw[name];
    if (value && !isLoopbackHttp(value)) problems.push(`${name} must use https: sign-in codes and session cookies must not cross the network in the clear (plain http is accepted only for localhost).`);
  }
  if (raw.NODE_ENV === 'production' && ['true', '1', 'yes'].includes(raw.TEAMS_SKIP_AUTH ?? '')) {
    problems.push(
      'TEAMS_SKIP_AUTH is refused when NODE_ENV=production: it would accept unauthenticated requests from anyone.',
    );
  }
  if (raw.NODE_ENV === 'production' && ['true', '1', 'yes'].includes(raw.TEAMS_ALLOW_LOOPBACK_SERVICE_URL ?? '')) {
    problems.push('TEAMS_ALLOW_LOOPBACK_SERVICE_URL is refused when NODE_ENV=production: it is for tests against a fake Bot Connector on this machine.');
  }
  for (const name of ['TEAMS_GRAPH_LOGIN_URL', 'TEAMS_GRAPH_URL'] as const) {
    if (raw.NODE_ENV === 'production' && raw[name]?.startsWith('http:')) problems.push(`${name} must be https when NODE_ENV=production: app-only Graph tokens travel to it.`);
  }
  if (raw.NODE_ENV === 'production' && raw.TEAMS_LOGIN_URL) {
    problems.push('TEAMS_LOGIN_URL is refused when NODE_ENV=production: token signing keys come only from Microsoft (login.botframework.com).');
  }
  return problems;
}

/** A 32-byte key written as 64 hex digits or in base64; undefined for anything else. */
export function encryptionKeyOf(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(text)) return undefined;
  const key = Buffer.from(text, 'base64');
  return key.length === 32 ? key : undefined;
}
