import type { KnownPerson, PlatformAccount } from '../../core/bot/bot-ports.ts';
import { type PersonReachFacts, type ReachReads, reachOf } from '../../core/reach/reach.ts';
import type { GraphTenant, TeamsInstallFailureKind, TeamsTenantStore } from '../../core/reach/teams-install-ports.ts';
import type { Clock } from '../../core/time/clock.ts';
import type { ChannelParts } from '../../compose-app.ts';
import type { TeamsConversationRef } from './bot-connector.ts';
import { GraphClient, GraphError } from './graph-client.ts';
import { isBotFrameworkServiceUrl } from './teams-sdk-host.ts';

/** What happened for one person. */
export type InstallOutcome =
  | { kind: 'reachable' }
  | { kind: 'removed' }
  | { kind: 'would-install'; tenants: string[] }
  | { kind: 'installed' | 'already-installed'; tenant: string }
  | { kind: TeamsInstallFailureKind; tenant: string; detail: string }
  | { kind: 'not-linked'; tenant: string }
  | { kind: 'failed'; detail: string };

export interface PersonInstall {
  id: string;
  fullName: string;
  email: string;
  outcome: InstallOutcome;
}

export interface InstallReport {
  /** The school's tenants with Graph set up, in the order tried. */
  tenants: GraphTenant[];
  people: PersonInstall[];
  /** Tenants Trellis could not get a Graph token for (admin consent not granted): nobody was tried there. */
  tenantProblems: { tenant: string; detail: string }[];
}

/** The Graph calls the installer makes (GraphClient; tests may pass it pointed at a fake). */
export type TeamsGraph = Pick<GraphClient, 'userId' | 'install' | 'installationId' | 'chatId'>;

export interface ProactiveInstallDeps {
  graph: TeamsGraph;
  tenants: TeamsTenantStore;
  reach: ReachReads;
  /** Links the account to the roster person with this e-mail under the one linking rule (`TrellisBot.identify`). */
  link: (account: PlatformAccount, email: string) => Promise<KnownPerson | undefined>;
  saveConversationRef: (account: PlatformAccount, ref: TeamsConversationRef, now: Date) => Promise<void>;
  /** The Bot Connector the new chat is reached at until Teams sends an activity naming its own. */
  serviceUrl: string;
  clock: Clock;
}

/** How many people are installed at once by default: enough to be quick for a large school, few enough to stay within Graph's limits. */
export const INSTALL_CONCURRENCY = 4;
/** The most a run may use (`--concurrency`). */
export const MAX_INSTALL_CONCURRENCY = 8;

export interface InstallOptions {
  dryRun?: boolean | undefined;
  /** People installed at once (1 to MAX_INSTALL_CONCURRENCY); INSTALL_CONCURRENCY when not given. */
  concurrency?: number | undefined;
}

/**
 * Installs Trellis in Teams for the school's active staff whom Teams cannot reach yet, so that
 * people who never opened the app still get their reminders: for each, in the school's (and its
 * trust's) tenants with Graph set up, find them by roster e-mail, install the app from the
 * tenant's catalogue (already installed is fine), read the chat's id, link the account through the
 * same rule a message would, and store the chat as their conversation reference, which every
 * proactive message uses. A 403 or 404 is kept as the reason they cannot be reached (`trellis
 * reach`). Someone who removed the app themselves is left alone. A dry run calls nothing.
 * Several people are installed at once (`concurrency`); the report lists them in roster order.
 */
export async function installForSchool(deps: ProactiveInstallDeps, schoolId: string, options: InstallOptions = {}): Promise<InstallReport> {
  const tenants = await deps.tenants.graphTenantsOf(schoolId);
  const staff = await deps.reach.activeStaffAccounts(schoolId);
  const report: InstallReport = { tenants, people: [], tenantProblems: [] };
  const usable = [...tenants];
  const concurrency = Math.min(MAX_INSTALL_CONCURRENCY, Math.max(1, Math.floor(options.concurrency ?? INSTALL_CONCURRENCY)));
  const outcomes = await mapBounded(staff, concurrency, (person) => installFor(deps, person, usable, report, options.dryRun === true));
  report.people = staff.map((person, at) => ({ id: person.id, fullName: person.fullName, email: person.email, outcome: outcomes[at]! }));
  return report;
}

/** `work` for every item, at most `limit` at a time, the results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function installFor(deps: ProactiveInstallDeps, person: PersonReachFacts, tenants: GraphTenant[], report: InstallReport, dryRun: boolean): Promise<InstallOutcome> {
  if (reachOf(person).teams.reachable) return { kind: 'reachable' };
  // They removed or blocked the app: installing it again would overrule them.
  if (person.accounts.some((account) => account.platform === 'teams' && !account.reachable)) return { kind: 'removed' };
  if (dryRun) return { kind: 'would-install', tenants: tenants.map((t) => t.tenantId) };
  if (tenants.length === 0) return { kind: 'failed', detail: report.tenantProblems.length > 0 ? 'no tenant Trellis can sign in to' : 'no tenant with Graph set up' };
  const tried: string[] = [];
  for (const tenant of [...tenants]) {
    try {
      const userId = await deps.graph.userId(tenant.tenantId, person.email);
      tried.push(tenant.tenantId);
      if (userId === undefined) continue;
      return await installIn(deps, person, tenant, userId);
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      if (error.stage === 'sign-in') {
        // The tenant gives Trellis no token: say so once (installs running alongside may learn it too) and try nobody else there.
        const at = tenants.indexOf(tenant);
        if (at >= 0) {
          report.tenantProblems.push({ tenant: tenant.tenantId, detail: error.message });
          tenants.splice(at, 1);
        }
        continue;
      }
      return failure(deps, person, tenant.tenantId, error);
    }
  }
  if (tried.length === 0) return { kind: 'failed', detail: 'no tenant Trellis can sign in to' };
  return record(deps, person, { kind: 'not-found', tenant: tried.join(', '), detail: `no user with the e-mail ${person.email} in the tenant` });
}

async function installIn(deps: ProactiveInstallDeps, person: PersonReachFacts, tenant: GraphTenant, userId: string): Promise<InstallOutcome> {
  try {
    const installed = await deps.graph.install(tenant.tenantId, userId, tenant.catalogAppId);
    const installation = await deps.graph.installationId(tenant.tenantId, userId, tenant.catalogAppId);
    if (installation === undefined) return { kind: 'failed', detail: `Graph lists no installation of app ${tenant.catalogAppId} for them after installing it` };
    const chatId = await deps.graph.chatId(tenant.tenantId, userId, installation);
    const account: PlatformAccount = { platform: 'teams', tenant: tenant.tenantId, userId };
    const linked = await deps.link(account, person.email);
    if (linked?.id !== person.id) return { kind: 'not-linked', tenant: tenant.tenantId };
    await deps.saveConversationRef(account, { serviceUrl: deps.serviceUrl, conversationId: chatId, tenantId: tenant.tenantId }, deps.clock.now());
    await deps.tenants.clearFailure(person.id);
    return { kind: installed, tenant: tenant.tenantId };
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return failure(deps, person, tenant.tenantId, error);
  }
}

/** 403 and 404 are facts about the person (kept for `trellis reach`); anything else is a failure of this run. */
async function failure(deps: ProactiveInstallDeps, person: PersonReachFacts, tenant: string, error: GraphError): Promise<InstallOutcome> {
  if (error.status === 403) return record(deps, person, { kind: 'forbidden', tenant, detail: error.message });
  if (error.status === 404) return record(deps, person, { kind: 'not-found', tenant, detail: error.message });
  return { kind: 'failed', detail: error.message };
}

async function record(deps: ProactiveInstallDeps, person: PersonReachFacts, outcome: { kind: TeamsInstallFailureKind; tenant: string; detail: string }): Promise<InstallOutcome> {
  await deps.tenants.recordFailure(person.id, { tenant: outcome.tenant, outcome: outcome.kind, detail: outcome.detail, at: deps.clock.now() });
  return outcome;
}

/**
 * The installer over the running composition, or undefined when Teams is not configured. Tests
 * pass `wait` so a throttle is not slept through.
 */
export function teamsInstallerOf(parts: ChannelParts, tenants: TeamsTenantStore, options: { wait?: (ms: number) => Promise<void> } = {}): ProactiveInstallDeps | undefined {
  const teams = parts.config.teams;
  if (teams === undefined) return undefined;
  if (!isBotFrameworkServiceUrl(teams.graph.serviceUrl, parts.config.teamsAllowLoopbackServiceUrl)) {
    throw new Error(`TEAMS_SERVICE_URL must be a Bot Framework host (https://smba.trafficmanager.net/…): got ${teams.graph.serviceUrl}.`);
  }
  const graph = new GraphClient({
    clientId: teams.clientId,
    clientSecret: teams.clientSecret,
    loginUrl: teams.graph.loginUrl,
    graphUrl: teams.graph.graphUrl,
    clock: parts.clock,
    wait: options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  });
  return {
    graph,
    tenants,
    reach: parts.services.reach,
    link: (account, email) => parts.bot.identify(account, async () => email, { homeTenant: teams.tenantId }),
    saveConversationRef: (account, ref, now) => parts.identities.saveConversationRef(account, ref, now),
    serviceUrl: teams.graph.serviceUrl,
    clock: parts.clock,
  };
}
