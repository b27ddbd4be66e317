import { parseArgs } from 'node:util';
import { INSTALL_CONCURRENCY, type InstallOutcome, type InstallReport, installForSchool, MAX_INSTALL_CONCURRENCY, teamsInstallerOf } from '../../channels/teams/proactive-install.ts';
import { composeChannels } from '../../compose-app.ts';
import type { Services } from '../../compose-services.ts';
import type { TeamsTenantEntry } from '../../core/reach/teams-install-ports.ts';
import { consoleLogger } from '../../logging/logger.ts';
import { GUID, normaliseTenantId, TENANT_ID_RULE } from '../../core/bot/chat-workspace-ids.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { loadCliConfig, withServices } from '../with-services.ts';

export const TEAMS_USAGE = [
  'trellis teams tenants [--json]',
  'trellis teams tenants add --school SCHOOL|--trust TRUST TENANT-ID [--catalog-app-id APP-ID]',
  'trellis teams tenants remove --school SCHOOL|--trust TRUST TENANT-ID',
  'trellis teams install --school SCHOOL [--dry-run] [--concurrency N]',
].join('\n');


/**
 * `trellis teams`: the Microsoft Entra tenants Trellis serves in Teams, each registered to a school
 * (a trust's schools share their registrations), with the app's catalogue id where Trellis may
 * install itself for staff through Microsoft Graph; and `install`, which does that for the school's
 * staff Teams cannot reach yet.
 */
export async function runTeamsCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${TEAMS_USAGE}`);
  }
  const [what, verb, ...rest] = parsed.positionals;
  const { values } = parsed;
  if (what === 'tenants' && (verb === undefined || verb === 'list') && rest.length === 0) return listTenants(context, values.json === true);
  if (what === 'tenants' && (verb === 'add' || verb === 'remove') && rest.length === 1) {
    const tenant = normaliseTenantId(rest[0]!);
    const where = schoolOrTrust(values.school, values.trust);
    if (!GUID.test(tenant)) throw new CliError(`The tenant must be ${TENANT_ID_RULE}: got ${rest[0]}.`);
    const catalogAppId = values['catalog-app-id']?.trim().toLowerCase();
    if (catalogAppId !== undefined && (verb === 'remove' || !GUID.test(catalogAppId))) {
      throw new CliError(verb === 'remove' ? '--catalog-app-id goes with add.' : `--catalog-app-id must be the app's id in the tenant's app catalogue (a GUID; Teams admin centre → Manage apps → Trellis → App ID): got ${values['catalog-app-id']}.`);
    }
    return withServices(context, async (services) => {
      const schools = await schoolsOf(services, where);
      if (verb === 'add') {
        for (const school of schools) await addTenant(context, services, school, tenant, catalogAppId);
        return;
      }
      let removed = 0;
      for (const school of schools) removed += (await removeTenant(context, services, school, tenant)) ? 1 : 0;
      if (removed === 0) throw new CliError(`Teams tenant ${tenant} is not registered for ${'school' in where ? `"${where.school}"` : `any school of "${where.trust}"`}. Run trellis teams tenants to see them.`);
    });
  }
  if (what === 'install' && verb === undefined) return install(context, requireSchool(values.school), values['dry-run'] === true, concurrencyOf(values.concurrency));
  throw new CliError(`Usage:\n${TEAMS_USAGE}`);
}

/** `--concurrency N`: people installed at once, 1 to MAX_INSTALL_CONCURRENCY. */
function concurrencyOf(text: string | undefined): number {
  if (text === undefined) return INSTALL_CONCURRENCY;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_INSTALL_CONCURRENCY) throw new CliError(`--concurrency should be a whole number from 1 to ${MAX_INSTALL_CONCURRENCY} (people installed at once): got ${text}.`);
  return n;
}

function requireSchool(school: string | undefined): string {
  if (school === undefined) throw new CliError(`Give the school with --school.\n\nUsage:\n${TEAMS_USAGE}`);
  return school;
}

type Where = { school: string } | { trust: string };

function schoolOrTrust(school: string | undefined, trust: string | undefined): Where {
  if ((school === undefined) === (trust === undefined)) throw new CliError(`Give the school with --school, or the trust with --trust (its schools share the tenant).\n\nUsage:\n${TEAMS_USAGE}`);
  return school === undefined ? { trust: trust! } : { school };
}

/** The school, or every school of the trust: a tenant registered for a trust is registered for each of its schools. */
async function schoolsOf(services: Services, where: Where): Promise<{ id: string; slug: string }[]> {
  if ('school' in where) return [{ id: await schoolId(services, where.school), slug: where.school }];
  const schools = await services.teamsTenants.trustSchools(where.trust);
  if (schools === undefined || schools.length === 0) throw new CliError(`There is no trust "${where.trust}" with schools: give a school its trust with trellis school set SCHOOL --trust ${where.trust} ….`);
  return schools;
}

async function schoolId(services: Services, slug: string): Promise<string> {
  const school = await services.schools.findSchool(slug);
  if (school === undefined) throw new CliError(`There is no school "${slug}" yet: create it first with trellis school set ${slug} --policy … --terms ….`);
  return school.id;
}

async function addTenant(context: CommandContext, services: Services, school: { id: string; slug: string }, tenant: string, catalogAppId: string | undefined): Promise<void> {
  const { added, unlinked } = await services.teamsTenants.register(school.id, tenant, catalogAppId);
  const slug = school.slug;
  context.output.out(added ? `Registered Teams tenant ${tenant} for "${slug}": Trellis answers it, and links its people from it (and their trust's other registered tenants) only.` : `Teams tenant ${tenant} was already registered for "${slug}".`);
  if (catalogAppId !== undefined) context.output.out(`Trellis installs itself there for staff through Microsoft Graph with the catalogue app ${catalogAppId}: trellis teams install --school ${slug}.`);
  if (unlinked > 0) context.output.out(`Unlinked ${unlinked} Teams account(s) of its people in other tenants: they link again from a registered one.`);
}

/** Whether it was registered there. */
async function removeTenant(context: CommandContext, services: Services, school: { id: string; slug: string }, tenant: string): Promise<boolean> {
  const { removed, unlinked } = await services.teamsTenants.unregister(school.id, tenant);
  if (!removed) return false;
  context.output.out(`Removed Teams tenant ${tenant} from "${school.slug}"${unlinked > 0 ? `; unlinked ${unlinked} account(s) of its people there` : ''}. Unless another school registers it (or it is TEAMS_TENANT_ID), Trellis now refuses its activities.`);
  return true;
}

async function listTenants(context: CommandContext, json: boolean): Promise<void> {
  await withServices(context, async (services) => {
    const tenants = await services.teamsTenants.list();
    if (json) {
      context.output.out(JSON.stringify(tenants, null, 2));
      return;
    }
    if (tenants.length === 0) {
      context.output.out('No Teams tenant is registered for a school (with TEAMS_TENANT_ID set, Trellis serves that one tenant). Register one with trellis teams tenants add --school SCHOOL TENANT-ID.');
      return;
    }
    context.output.out(`Teams tenants (${tenants.length}):`);
    for (const tenant of tenants) context.output.out(`  ${describeTenant(tenant)}`);
  });
}

function describeTenant(tenant: TeamsTenantEntry): string {
  const graph = tenant.catalogAppId === undefined ? 'no Graph install (add --catalog-app-id to have Trellis install itself for staff)' : `Graph install with catalogue app ${tenant.catalogAppId}`;
  return `${tenant.tenantId}: serves ${tenant.schools.join(', ')}; ${graph}`;
}

async function install(context: CommandContext, slug: string, dryRun: boolean, concurrency: number): Promise<void> {
  await withServices(context, async (services) => {
    const id = await schoolId(services, slug);
    const report = await runInstall(context, services, id, dryRun, concurrency);
    if (report === undefined) throw new CliError('Teams is not configured: set TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID (docs/teams.md).');
    if (report.tenants.length === 0) throw new CliError(`No Teams tenant of "${slug}" has Graph install set up: trellis teams tenants add --school ${slug} TENANT-ID --catalog-app-id APP-ID (docs/teams.md).`);
    for (const line of describeInstall(slug, report, dryRun)) context.output.out(line);
  });
}

/**
 * After a roster import: installs Trellis in Teams for the new staff when the school has a tenant
 * with Graph set up and Teams is configured; prints one summary line. Nothing otherwise.
 */
export async function installAfterImport(context: CommandContext, services: Services, schoolSlug: string): Promise<void> {
  const config = loadCliConfig(context);
  if (config.teams === undefined) return;
  const school = await services.schools.findSchool(schoolSlug);
  if (school === undefined || (await services.teamsTenants.graphTenantsOf(school.id)).length === 0) return;
  const report = await runInstall(context, services, school.id, false);
  if (report !== undefined) context.output.out(`Teams: ${summary(report)}`);
}

async function runInstall(context: CommandContext, services: Services, schoolId: string, dryRun: boolean, concurrency = INSTALL_CONCURRENCY): Promise<InstallReport | undefined> {
  const config = loadCliConfig(context);
  if (config.teams === undefined) return undefined;
  const parts = await composeChannels(config, services, context.clock, consoleLogger(config.logLevel, undefined, config.logFormat), { channelsOnly: true });
  let installer: ReturnType<typeof teamsInstallerOf>;
  try {
    installer = teamsInstallerOf(parts, services.teamsTenants);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  return installer === undefined ? undefined : installForSchool(installer, schoolId, { dryRun, concurrency });
}

function describeInstall(slug: string, report: InstallReport, dryRun: boolean): string[] {
  const lines = [`${dryRun ? 'Would install' : 'Installing'} Trellis in Teams for the staff of "${slug}" whom Teams cannot reach yet (tenants ${report.tenants.map((t) => t.tenantId).join(', ')}):`];
  for (const problem of report.tenantProblems) lines.push(`  Tenant ${problem.tenant}: ${problem.detail}`);
  for (const person of report.people) {
    if (person.outcome.kind === 'reachable') continue;
    lines.push(`  ${person.fullName} <${person.email}>: ${describeOutcome(person.outcome)}`);
  }
  lines.push(summary(report));
  return lines;
}

function describeOutcome(outcome: InstallOutcome): string {
  switch (outcome.kind) {
    case 'reachable':
      return 'already reachable in Teams.';
    case 'removed':
      return 'left alone: they removed or blocked Trellis in Teams themselves.';
    case 'would-install':
      return 'would be installed.';
    case 'installed':
      return `installed in tenant ${outcome.tenant}; reminders now reach them.`;
    case 'already-installed':
      return `already had the app in tenant ${outcome.tenant}; their chat is now stored, so reminders reach them.`;
    case 'forbidden':
    case 'not-found':
      return `not installed: ${outcome.detail} (kept; trellis reach shows it).`;
    case 'not-linked':
      return `installed in tenant ${outcome.tenant}, but that tenant is not registered for their school, so their account was not linked.`;
    case 'failed':
      return `not installed this time: ${outcome.detail}. Run the command again later.`;
  }
}

function summary(report: InstallReport): string {
  const count = (...kinds: InstallOutcome['kind'][]) => report.people.filter((p) => kinds.includes(p.outcome.kind)).length;
  const parts = [
    `${count('installed')} installed`,
    `${count('already-installed')} already had it`,
    `${count('would-install')} to install`,
    `${count('forbidden', 'not-found', 'not-linked', 'failed')} could not be reached (trellis reach says why)`,
    `${count('reachable')} already reachable`,
    `${count('removed')} removed it themselves`,
  ];
  return `${parts.filter((part) => !part.startsWith('0 ')).join(', ') || 'nobody on the roster'}.`;
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' }, trust: { type: 'string' }, 'catalog-app-id': { type: 'string' }, 'dry-run': { type: 'boolean' }, concurrency: { type: 'string' }, json: { type: 'boolean' } } });
}
