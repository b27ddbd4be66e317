import { HEAD_REVIEWER_NAMES, headReviewersOf, relationshipsOn, type SubjectFacts } from '../access/relationships.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import type { Role } from '../people/person.ts';
import type { Policy } from '../policy/policy-schema.ts';
import { type SlackRefusal, slackRefusalReason } from './slack-refusals.ts';
import type { TeamsInstallFailure } from './teams-install-ports.ts';

/** What storage knows about one of a person's chat accounts. */
export interface ChatAccountFacts {
  platform: 'slack' | 'teams' | 'local';
  /** False once the platform refused a message for good (Teams 403: the app removed or the bot blocked). */
  reachable: boolean;
  /** Teams: a personal chat's conversation reference is stored, which proactive messages need. */
  hasConversationRef: boolean;
}

/** An active person on a school's roster, with their chat accounts. */
export interface PersonReachFacts {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  accounts: ChatAccountFacts[];
  /** Why installing the Teams app for them through Graph last failed, if it did and has not worked since. */
  teamsInstallFailure?: TeamsInstallFailure | undefined;
  /** What Slack last refused for them (not in the workspace, deactivated), if it has not worked since. */
  slackRefusal?: SlackRefusal | undefined;
}

/** The storage side of `trellis reach`. */
export interface ReachReads {
  /** The school's active staff (leavers and released addresses left out) with their chat accounts, by name. */
  activeStaffAccounts(schoolId: string): Promise<PersonReachFacts[]>;
  /** The head's facts and the policy's head reviewers, and whether e-mail is configured (`SMTP_URL`); undefined without a head. */
  headReviewerFacts?(schoolId: string): Promise<{ head: SubjectFacts; policy: Pick<Policy, 'headReviewers'>; emailConfigured: boolean } | undefined>;
}

/** How one of the head's own reviewers is reached (002 §22–24, 003 §6.3, 004 §9.1), or why not. */
export interface HeadReviewerReachLine {
  name: string;
  email?: string | undefined;
  /** What the policy calls them: “the trust’s CEO, chairing”. */
  as: string;
  reach: ChannelReach;
  rule: string;
}

export type ChannelReach = { reachable: true; how: string } | { reachable: false; reason: string };

export interface PersonReach {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  slack: ChannelReach;
  teams: ChannelReach;
}

export interface ReachReport {
  people: PersonReach[];
  /** The head's own reviewers and how each is reached; absent when the policy names none (001). */
  headReviewers?: HeadReviewerReachLine[] | undefined;
  totals: { people: number; slack: number; teams: number; either: number; neither: number };
}

/**
 * Whether Slack and Teams can reach a person, with the reason when not: the one rule `trellis
 * reach` reports. Slack needs a linked account not refused since: Slack's last refusal (no user
 * with their e-mail in the workspace, a deactivated account, a send refused) is the reason until a
 * lookup or send works again; without a linked account, Trellis can only try their roster e-mail in
 * the workspace when it first writes, so they count as not reached yet. Teams needs a personal chat with the app (a stored conversation reference) that has not
 * been refused since (a 403 marks the account); without one, a failed install through Graph
 * (`trellis teams install`) is the reason given.
 */
export function reachOf(person: PersonReachFacts): PersonReach {
  return { id: person.id, email: person.email, fullName: person.fullName, role: person.role, slack: slackReach(person.accounts, person.slackRefusal), teams: teamsReach(person.accounts, person.teamsInstallFailure) };
}

/**
 * Whether a message can be sent through this stored account: the rule the Slack and Teams channels
 * pick an account by, and `trellis reach` reports. Slack needs the account not refused since it was
 * linked; Teams also needs the personal chat's conversation reference, which proactive messages use.
 */
export function canMessageAccount(account: ChatAccountFacts): boolean {
  if (!account.reachable) return false;
  return account.platform !== 'teams' || account.hasConversationRef;
}

function slackReach(accounts: readonly ChatAccountFacts[], refusal: SlackRefusal | undefined): ChannelReach {
  if (refusal !== undefined) return { reachable: false, reason: slackRefusalReason(refusal) };
  const slack = accounts.filter((account) => account.platform === 'slack');
  if (slack.some(canMessageAccount)) return { reachable: true, how: 'linked Slack account' };
  if (slack.length > 0) return { reachable: false, reason: 'Slack refused messages to their account (deactivated, or the app cannot message them)' };
  return { reachable: false, reason: 'no Slack account linked yet: they have not used Trellis in Slack (Trellis looks their e-mail up in the workspace when it first writes)' };
}

function teamsReach(accounts: readonly ChatAccountFacts[], failure: TeamsInstallFailure | undefined): ChannelReach {
  const teams = accounts.filter((account) => account.platform === 'teams');
  if (teams.some(canMessageAccount)) return { reachable: true, how: 'personal chat with Trellis in Teams' };
  if (failure !== undefined) return { reachable: false, reason: installFailureReason(failure) };
  if (teams.some((account) => account.reachable)) return { reachable: false, reason: 'known in Teams but has no personal chat with Trellis (only written in a channel or group chat)' };
  if (teams.length > 0) return { reachable: false, reason: 'removed or blocked Trellis in Teams (Teams refused a message)' };
  return { reachable: false, reason: 'never opened Trellis in Teams (the app is not installed for them)' };
}

/** A failed Graph install in words: what it means for the person and what to do. */
export function installFailureReason(failure: TeamsInstallFailure): string {
  const what =
    failure.outcome === 'forbidden'
      ? 'Microsoft Graph refused to install Trellis for them (403: an app permission policy blocks it for them, or the tenant has not granted TeamsAppInstallation.ReadWriteForUser.All)'
      : 'Microsoft Graph could not find them or the app (404: no Teams account with their e-mail in the tenant, or Trellis is not in its app catalogue)';
  return `${what}; tenant ${failure.tenant}, ${failure.detail}`;
}

/** Every active person's reach and the totals. */
export async function reachReport(reads: ReachReads, schoolId: string): Promise<ReachReport> {
  const people = (await reads.activeStaffAccounts(schoolId)).map(reachOf);
  const slack = people.filter((person) => person.slack.reachable).length;
  const teams = people.filter((person) => person.teams.reachable).length;
  const either = people.filter((person) => person.slack.reachable || person.teams.reachable).length;
  const headReviewers = await headReviewerReach(reads, schoolId, people);
  return { people, ...(headReviewers === undefined ? {} : { headReviewers }), totals: { people: people.length, slack, teams, either, neither: people.length - either } };
}

/**
 * How the head's reviewers are reached (`headReviewerReach` in the sweep is the sending side): one
 * on the roster (the CEO) in their chat digest; a named contact by e-mail when SMTP is configured
 * and an address is named; otherwise the head is reminded instead, and this says why.
 */
async function headReviewerReach(reads: ReachReads, schoolId: string, people: readonly PersonReach[]): Promise<HeadReviewerReachLine[] | undefined> {
  const found = await reads.headReviewerFacts?.(schoolId);
  const rule = found?.policy.headReviewers?.rule;
  if (found === undefined || rule === undefined) return undefined;
  // The panel is the trust leaders and named contacts as they are now, whatever the day: no assignment history is read.
  const today: IsoDate = '9999-12-31';
  const instead = 'so the head is reminded instead';
  return headReviewersOf(relationshipsOn(found.head, today), found.policy, found.head.headReviewerContacts ?? []).map((reviewer): HeadReviewerReachLine => {
    const as = `${HEAD_REVIEWER_NAMES[reviewer.member]}${reviewer.chairs ? ', chairing' : ''}`;
    if (reviewer.kind === 'person') {
      const person = people.find((p) => p.id === reviewer.id);
      return { name: person?.fullName ?? HEAD_REVIEWER_NAMES[reviewer.member], email: person?.email, as, rule, reach: { reachable: true, how: 'in chat, in their reminder digest (on the roster)' } };
    }
    if (reviewer.kind === 'body') return { name: 'No one named', as, rule, reach: { reachable: false, reason: `not reached until the school names them (\`trellis school contact\`), ${instead}` } };
    if (reviewer.email === undefined) return { name: reviewer.fullName, as, rule, reach: { reachable: false, reason: `no e-mail address named (\`trellis school contact --email\`), ${instead}` } };
    const reach: ChannelReach = found.emailConfigured ? { reachable: true, how: 'by e-mail' } : { reachable: false, reason: `not e-mailed: SMTP_URL and SMTP_FROM are not set, ${instead}` };
    return { name: reviewer.fullName, email: reviewer.email, as, rule, reach };
  });
}
