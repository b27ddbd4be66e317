import { parseArgs } from 'node:util';
import { parseReminderWindow, type ReminderWindow, withReminderWindow } from '../../core/reminders/reminder-window.ts';
import { HEAD_REVIEWER_NAMES } from '../../core/access/relationships.ts';
import { addHeadReviewerContact, removeHeadReviewerContact } from '../../core/schools/head-reviewer-contacts.ts';
import { InvalidSlugError, setSchool } from '../../core/schools/set-school.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { readPolicyArgument, readTermDatesFile } from '../read-arguments.ts';
import type { Services } from '../../compose-services.ts';
import { PrismaIdentityStore } from '../../storage/prisma/prisma-identity-store.ts';
import { withServices } from '../with-services.ts';
import { GUID, normaliseSlackWorkspaceId, normaliseTenantId, SLACK_WORKSPACE_ID, SLACK_WORKSPACE_ID_RULE, TENANT_ID_RULE } from '../../core/bot/chat-workspace-ids.ts';

export const SCHOOL_USAGE = [
  'trellis school set SCHOOL --policy PRESET|FILE --terms FILE [--name NAME] [--trust TRUST] [--reminder-window HH:MM-HH:MM]',
  'trellis school set SCHOOL --reminder-window HH:MM-HH:MM   (an existing school: only its reminder window changes)',
  'trellis school set SCHOOL [--slack-team T…]… [--teams-tenant TENANT-ID]…   (the Slack workspaces and Teams tenants its staff use)',
  'trellis school forget SCHOOL [--slack-team T…]… [--teams-tenant TENANT-ID]…   (a workspace or tenant its staff no longer use)',
  'trellis school contact SCHOOL [--as MEMBER --name NAME [--email EMAIL] | --remove NAME]   (the head’s reviewers not on the roster: governors, an external adviser)',
].join('\n');

/** `trellis school set`: create or update a school with its policy and term dates. */
export async function runSchoolCommand(args: string[], context: CommandContext): Promise<void> {
  const [verb, ...rest] = args;
  if (verb === 'contact') return runContactCommand(rest, context);
  if (verb === 'forget') return runForgetCommand(rest, context);
  if (verb !== 'set') throw new CliError(`Unknown school command "${verb ?? ''}".\n\nUsage:\n${SCHOOL_USAGE}`);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${SCHOOL_USAGE}`);
  }
  const [slug, ...extra] = parsed.positionals;
  const { values } = parsed;
  if (slug === undefined || extra.length > 0) throw new CliError(`Give exactly one school id.\n\nUsage:\n${SCHOOL_USAGE}`);
  const window = values['reminder-window'] === undefined ? undefined : parseReminderWindow(values['reminder-window']);
  if (window !== undefined && !window.ok) throw new CliError(window.error);
  const workspaces = chatWorkspaces(values);
  if (values.policy === undefined && values.terms === undefined && (window !== undefined || workspaces.length > 0)) {
    if (window !== undefined) await setReminderWindowOnly(slug, window.window, values, context);
    if (workspaces.length > 0) await recordWorkspaces(slug, workspaces, context);
    return;
  }
  if (values.policy === undefined || values.terms === undefined) throw new CliError(`--policy and --terms are both required.\n\nUsage:\n${SCHOOL_USAGE}`);
  // Read and validate both files before touching the database, so a typo changes nothing.
  const read = await readPolicyArgument(values.policy);
  const { source } = read;
  // The window is stored in the school's policy (policy.reminders.window), where the sweep reads it.
  const policy = window === undefined ? read.policy : withReminderWindow(read.policy, window.window);
  const termDates = await readTermDatesFile(values.terms);
  await withServices(context, async (services) => {
    try {
      const result = await setSchool(services, { slug, name: values.name, trustSlug: values.trust, policy, policySource: source, termDates });
      const { created, updated, removed } = result.obligations;
      context.output.out(`${result.created ? 'Created' : 'Updated'} school "${slug}" (${result.school.name}) with ${policy.organisation}'s "${policy.name}" (${source}), ${termDates.region} term dates.`);
      if (created + updated + removed > 0) context.output.out(`Obligations: ${created} added, ${updated} moved, ${removed} removed.`);
      if (workspaces.length > 0) await recordWorkspacesWith(services, slug, workspaces, context);
    } catch (error) {
      if (error instanceof InvalidSlugError) throw new CliError(error.message);
      throw error;
    }
  });
}

/**
 * `--reminder-window` on its own: a school changes when nudges go out without rewriting its
 * policy file. Its stored policy and term dates are kept, so no deadline moves.
 */
async function setReminderWindowOnly(slug: string, window: ReminderWindow, values: ReturnType<typeof parse>['values'], context: CommandContext): Promise<void> {
  await withServices(context, async (services) => {
    const school = await services.schools.findSchool(slug);
    if (school === undefined) throw new CliError(`There is no school "${slug}" yet: create it first with --policy and --terms.\n\nUsage:\n${SCHOOL_USAGE}`);
    await setSchool(services, {
      slug,
      name: values.name,
      trustSlug: values.trust,
      policy: withReminderWindow(school.policy, window),
      policySource: school.policySource,
      termDates: school.termDates,
    });
    context.output.out(`Reminders for "${slug}" now go out between ${window.start} and ${window.end} (London time) on school days.`);
  });
}

type ChatWorkspace = { platform: 'slack' | 'teams'; tenant: string };

/** `--slack-team` (a workspace T… or an Enterprise Grid org E… id) and `--teams-tenant` (an Entra tenant id), checked. */
function chatWorkspaces(values: ReturnType<typeof parse>['values']): ChatWorkspace[] {
  const slack = (values['slack-team'] ?? []).map(normaliseSlackWorkspaceId);
  const teams = (values['teams-tenant'] ?? []).map(normaliseTenantId);
  const badSlack = slack.filter((t) => !SLACK_WORKSPACE_ID.test(t));
  if (badSlack.length > 0) throw new CliError(`--slack-team must be ${SLACK_WORKSPACE_ID_RULE}: got ${badSlack.join(', ')}.`);
  const badTeams = teams.filter((t) => !GUID.test(t));
  if (badTeams.length > 0) throw new CliError(`--teams-tenant must be ${TENANT_ID_RULE}: got ${badTeams.join(', ')}.`);
  return [...slack.map((tenant) => ({ platform: 'slack' as const, tenant })), ...teams.map((tenant) => ({ platform: 'teams' as const, tenant }))];
}

async function recordWorkspaces(slug: string, workspaces: readonly ChatWorkspace[], context: CommandContext): Promise<void> {
  await withServices(context, (services) => recordWorkspacesWith(services, slug, workspaces, context));
}

/** Chat accounts are then linked to this school's people only from these (and its trust's) workspaces and tenants. */
async function recordWorkspacesWith(services: Services, slug: string, workspaces: readonly ChatWorkspace[], context: CommandContext): Promise<void> {
  const school = await services.schools.findSchool(slug);
  if (school === undefined) throw new CliError(`There is no school "${slug}" yet: create it first with --policy and --terms.\n\nUsage:\n${SCHOOL_USAGE}`);
  const identities = new PrismaIdentityStore(services.database.prisma);
  for (const { platform, tenant } of workspaces) {
    const { added, unlinked } = await identities.recordWorkspace(school.id, platform, tenant);
    const what = platform === 'slack' ? `Slack workspace ${tenant}` : `Teams tenant ${tenant}`;
    context.output.out(added ? `Recorded ${what} for "${slug}": its people link from it (and from their trust's other recorded workspaces) only.` : `${what} was already recorded for "${slug}".`);
    if (unlinked > 0) context.output.out(`Unlinked ${unlinked} ${platform === 'slack' ? 'Slack' : 'Teams'} account(s) of its people from elsewhere: they can link again from a recorded one.`);
  }
}

/**
 * `trellis school forget`: the school's staff no longer use these workspaces or tenants. Its people's
 * accounts there are unlinked unless another school of the trust still records it (the call
 * `trellis teams tenants remove` and the console's chat workspaces page make).
 */
async function runForgetCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${SCHOOL_USAGE}`);
  }
  const [slug, ...extra] = parsed.positionals;
  const workspaces = chatWorkspaces(parsed.values);
  if (slug === undefined || extra.length > 0 || workspaces.length === 0) throw new CliError(`Give one school id and the --slack-team or --teams-tenant ids to forget.\n\nUsage:\n${SCHOOL_USAGE}`);
  await withServices(context, async (services) => {
    const school = await services.schools.findSchool(slug);
    if (school === undefined) throw new CliError(`There is no school "${slug}".`);
    const identities = new PrismaIdentityStore(services.database.prisma);
    const missing: string[] = [];
    for (const { platform, tenant } of workspaces) {
      const what = platform === 'slack' ? `Slack workspace ${tenant}` : `Teams tenant ${tenant}`;
      const { removed, unlinked } = await identities.forgetWorkspace(school.id, platform, tenant);
      if (!removed) missing.push(what);
      else context.output.out(`${what} is no longer recorded for "${slug}"${unlinked > 0 ? `; unlinked ${unlinked} account(s) of its people there` : ''}.`);
    }
    if (missing.length > 0) throw new CliError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not recorded for "${slug}" (a trust's other school may record it).`);
  });
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      policy: { type: 'string' },
      terms: { type: 'string' },
      name: { type: 'string' },
      trust: { type: 'string' },
      'reminder-window': { type: 'string' },
      'slack-team': { type: 'string', multiple: true },
      'teams-tenant': { type: 'string', multiple: true },
    },
  });
}

/**
 * `trellis school contact`: names the head's reviewers who are not on the roster (002 §22–24: the
 * governors; 003 §6.3: the Chair of the LGB; 004 §9.1: the external adviser), so the one model of
 * who is who shows a person rather than a body; with no options, lists them.
 */
async function runContactCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parseContact>;
  try {
    parsed = parseContact(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${SCHOOL_USAGE}`);
  }
  const [slug, ...extra] = parsed.positionals;
  const { values } = parsed;
  if (slug === undefined || extra.length > 0) throw new CliError(`Give exactly one school id.\n\nUsage:\n${SCHOOL_USAGE}`);
  await withServices(context, async (services) => {
    const school = await services.schools.findSchool(slug);
    if (school === undefined) throw new CliError(`There is no school "${slug}".`);
    const contacts = await services.schools.headReviewerContacts(school.id);
    const adding = values.as !== undefined || values.name !== undefined || values.email !== undefined;
    if (adding && values.remove !== undefined) throw new CliError('Either name a contact (--as, --name, --email) or --remove one, not both.');
    if (!adding && values.remove === undefined) {
      const panel = school.policy.headReviewers;
      context.output.out(panel === undefined ? `${school.policy.organisation}'s policy does not say who reviews the head.` : `The head is reviewed by ${panel.members.map((m) => HEAD_REVIEWER_NAMES[m]).join(' and ')} (${panel.rule}).`);
      if (contacts.length === 0) context.output.out('No one is named yet.');
      for (const c of contacts) context.output.out(`  ${c.fullName}${c.email === undefined ? '' : ` <${c.email}>`}: ${HEAD_REVIEWER_NAMES[c.member]}`);
      return;
    }
    const change =
      values.remove !== undefined ? removeHeadReviewerContact(contacts, values.remove) : addHeadReviewerContact(school.policy, contacts, { member: values.as ?? '', fullName: values.name ?? '', email: values.email });
    if (!change.ok) throw new CliError(change.error);
    await services.schools.setHeadReviewerContacts(school.id, change.contacts);
    context.output.out(change.said);
  });
}

function parseContact(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { as: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' }, remove: { type: 'string' } } });
}
