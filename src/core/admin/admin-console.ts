import type { AccessRequestStore } from '../access/access-ports.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { parseTermDates, type TermDates } from '../calendar/term-dates.ts';
import { type CalendarMonth, yearCalendar } from '../calendar/year-calendar.ts';
import { parsePolicyText } from '../policy/load-policy.ts';
import { type PolicyChange, policyDiff, presetOf } from '../policy/policy-diff.ts';
import type { Policy } from '../policy/policy-schema.ts';
import { getPreset, PRESET_NAMES } from '../policy/presets/index.ts';
import type { ObligationChanges, ObligationRepository, RosterRepository, SchoolRepository } from '../ports.ts';
import type { Problem } from '../validation/problems.ts';
import { type ReachReads, type ReachReport, reachReport } from '../reach/reach.ts';
import type { DigestOutbox, OutboxEntry } from '../reminders/reminder-ports.ts';
import { parseReminderWindow, type ReminderWindow, withReminderWindow } from '../reminders/reminder-window.ts';
import { type ColumnMapping, normaliseHeader, parseMappingJson, parseMappingOption, ROSTER_FIELDS, type RosterField } from '../roster/column-mapping.ts';
import { importRoster, type RosterImportResult } from '../roster/import-roster.ts';
import { previewRoster, type RosterPreview } from '../roster/preview-roster.ts';
import { readRosterFile } from '../roster/roster-table.ts';
import { calendarOf, type School } from '../schools/school.ts';
import { setSchool } from '../schools/set-school.ts';
import { type Clock, currentAcademicYear } from '../time/clock.ts';
import { GUID, normaliseSlackWorkspaceId, normaliseTenantId, SLACK_WORKSPACE_ID, SLACK_WORKSPACE_ID_RULE, TENANT_ID_RULE } from '../bot/chat-workspace-ids.ts';
import { type AdminSchoolRef, administers, looksLikeEmail, normaliseAdminEmail } from './admin-access.ts';
import type { AdminAudit, AdminDirectory, AdminGrants, AdminScope, ChatBinding, ChatBindings, SchoolAdministrator, ShippedTermDates } from './admin-ports.ts';

/** The school is not one this administrator may see (or does not exist: the two are not told apart). */
export class NotAdministeredError extends Error {}

export interface AdminConsoleDeps {
  directory: AdminDirectory;
  schools: SchoolRepository;
  roster: RosterRepository;
  obligations: ObligationRepository;
  reach: ReachReads;
  outbox: Pick<DigestOutbox, 'list' | 'resend'>;
  accessRequests: Pick<AccessRequestStore, 'pending'>;
  audit: AdminAudit;
  grants: AdminGrants;
  chat: ChatBindings;
  shippedTermDates: ShippedTermDates;
  clock: Clock;
}

export interface SchoolOverview {
  school: AdminSchoolRef;
  policySource: string;
  reminderWindow: ReminderWindow;
  reach: ReachReport['totals'];
  deadLetters: number;
  accessRequestsWaiting: number;
  /** Today's term, or undefined in a holiday. */
  term?: string | undefined;
  today: string;
}

/** An access request awaiting a decision: who asked about whom and when, never the reason or any record. */
export interface WaitingAccessRequest {
  id: string;
  requesterName: string;
  subjectName: string;
  requestedAt: Date;
}

/** A policy an administrator picks: a preset by name, or a file of their own (YAML or JSON). */
export type PolicyChoice = { preset: string } | { text: string; fileName: string };

export interface PolicyView {
  school: AdminSchoolRef;
  source: string;
  /** The preset the school's policy came from, and where it differs from it. */
  preset?: string | undefined;
  changes: PolicyChange[];
  presets: { name: string; title: string }[];
}

/** A chosen policy checked: every problem at its field, or what it is and how it differs from its preset and from the school's policy now. */
export type PolicyCheck =
  | { ok: false; problems: Problem[] }
  | { ok: true; policy: Policy; source: string; preset?: string | undefined; fromPreset: PolicyChange[]; fromCurrent: PolicyChange[] };

/** Uploaded term dates checked: every problem at its field, or the year as they would make it. */
export type TermDatesCheck = { ok: false; problems: Problem[] } | { ok: true; termDates: TermDates; academicYear: number; months: CalendarMonth[]; schoolDaysNow: number; schoolDaysAfter: number };

/** Term dates an administrator gives: a file they upload, or one of the files shipped with Trellis by name. */
export type TermDatesSource = { text: string; fileName: string } | { shipped: string };

/**
 * The column mapping given with a roster upload: typed in the `--map` form, or chosen in the column
 * picker (field → the file's columns, several joined with a space); none leaves the remembered one
 * or the file's own headers to apply, as the import decides.
 */
export type GivenMapping = { text: string } | { columns: Partial<Record<RosterField, string[]>> } | undefined;

/** A roster file's header row and the column chosen for each Trellis field (the column picker's state). */
export interface RosterColumns {
  header: string[];
  chosen: ColumnMapping;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * What the admin console can read and change, each call for one administrator (their verified
 * e-mail) and one school. Every call starts with `#school`, the one check that the e-mail
 * administers the school (`administers`); every change is written to the audit trail with who
 * made it. Nothing here returns the content of anyone's records.
 */
export class AdminConsole {
  readonly #deps: AdminConsoleDeps;

  constructor(deps: AdminConsoleDeps) {
    this.#deps = deps;
  }

  /** The schools this e-mail administers; empty for someone who administers none. */
  async schoolsFor(email: string): Promise<AdminSchoolRef[]> {
    const grants = await this.#deps.directory.grantsOf(email);
    if (grants.length === 0) return [];
    return (await this.#deps.directory.schoolsOf(grants)).filter((school) => administers(grants, school));
  }

  /** The school as the console names it, for a page that shows nothing else of it (the roster upload). */
  async school(email: string, slug: string): Promise<AdminSchoolRef> {
    return (await this.#school(email, slug)).ref;
  }

  async overview(email: string, slug: string): Promise<SchoolOverview> {
    const { ref, school } = await this.#school(email, slug);
    const [report, deadLetters, waiting] = await Promise.all([
      reachReport(this.#deps.reach, school.id),
      this.#deps.outbox.list({ schoolSlug: school.slug, failedOnly: true }),
      this.#deps.accessRequests.pending(school.id),
    ]);
    const today = londonDateOf(this.#deps.clock.now());
    const term = calendarOf(school).termOn(today);
    return { school: ref, policySource: school.policySource, reminderWindow: school.policy.reminders.window, reach: report.totals, deadLetters: deadLetters.length, accessRequestsWaiting: waiting.length, term: term?.name, today };
  }

  async reach(email: string, slug: string): Promise<{ school: AdminSchoolRef; report: ReachReport }> {
    const { ref, school } = await this.#school(email, slug);
    return { school: ref, report: await reachReport(this.#deps.reach, school.id) };
  }

  async deadLetters(email: string, slug: string): Promise<{ school: AdminSchoolRef; entries: OutboxEntry[] }> {
    const { ref, school } = await this.#school(email, slug);
    return { school: ref, entries: await this.#deps.outbox.list({ schoolSlug: school.slug, failedOnly: true }) };
  }

  /** Re-queues failed deliveries of this school only (an id of another school's is left alone), and records it. */
  async resend(email: string, slug: string, ids: readonly string[]): Promise<OutboxEntry[]> {
    const { school } = await this.#school(email, slug);
    const failed = await this.#deps.outbox.list({ schoolSlug: school.slug, failedOnly: true });
    const ours = ids.filter((id) => failed.some((entry) => entry.id === id));
    if (ours.length === 0) return [];
    const resent = await this.#deps.outbox.resend({ ids: ours });
    await this.#deps.audit.record({ schoolId: school.id, action: 'outbox.resent', by: email, details: { outbox: resent.map((entry) => entry.id) } });
    return resent;
  }

  async accessRequests(email: string, slug: string): Promise<{ school: AdminSchoolRef; waiting: WaitingAccessRequest[] }> {
    const { ref, school } = await this.#school(email, slug);
    const pending = await this.#deps.accessRequests.pending(school.id);
    return { school: ref, waiting: pending.map((r) => ({ id: r.id, requesterName: r.requesterName, subjectName: r.subjectName, requestedAt: r.requestedAt })) };
  }

  /**
   * The first step of a roster upload: what the file would do, writing nothing. When the file could
   * be read, also its header row and the column chosen for each Trellis field (the mapping given,
   * else the one the preview used, else the one remembered, else the file's columns of Trellis's own
   * names), for the column picker.
   */
  async previewRoster(email: string, slug: string, file: Uint8Array, given: GivenMapping): Promise<{ school: AdminSchoolRef; preview: RosterPreview; columns?: RosterColumns | undefined }> {
    const { ref, school } = await this.#school(email, slug);
    const read = await readRosterFile(file);
    if (!read.ok) return { school: ref, preview: read };
    const mapping = readMapping(given);
    const remembered = await this.#deps.roster.columnMapping(school.id);
    const header = read.table.header.filter((column) => column.trim() !== '');
    if (!mapping.ok) return { school: ref, preview: { ok: false, fileProblem: mapping.problem }, columns: { header, chosen: chosenColumns(header, remembered) } };
    const preview = await previewRoster(this.#deps, school, read.table, mapping.value);
    const used = mapping.value ?? (preview.ok ? preview.mapping?.columns : undefined) ?? remembered;
    return { school: ref, preview, columns: { header, chosen: chosenColumns(header, used) } };
  }

  /** The second step: the same file imported through the roster import, recorded in the audit trail as this administrator's. */
  async applyRoster(email: string, slug: string, file: Uint8Array, given: GivenMapping, leavers: 'list' | 'mark'): Promise<{ school: AdminSchoolRef; result: RosterImportResult }> {
    const { ref, school } = await this.#school(email, slug);
    const mapping = readMapping(given);
    if (!mapping.ok) return { school: ref, result: { ok: false, fileProblem: mapping.problem } };
    const read = await readRosterFile(file);
    if (!read.ok) return { school: ref, result: read };
    const result = await importRoster(this.#deps, school.slug, read.table, currentAcademicYear(this.#deps.clock), { leavers, mapping: mapping.value, by: email });
    return { school: ref, result };
  }

  async reminderWindow(email: string, slug: string): Promise<{ school: AdminSchoolRef; window: ReminderWindow }> {
    const { ref, school } = await this.#school(email, slug);
    return { school: ref, window: school.policy.reminders.window };
  }

  /** A new daily reminder window (`HH:MM-HH:MM`); the policy and term dates are kept, so no deadline moves. */
  async setReminderWindow(email: string, slug: string, text: string): Promise<Outcome<ReminderWindow>> {
    const { school } = await this.#school(email, slug);
    const parsed = parseReminderWindow(text);
    if (!parsed.ok) return { ok: false, problem: parsed.error.replace(/^--reminder-window should be/, 'The reminder window should be') };
    const window = parsed.window;
    await setSchool(this.#deps, {
      slug: school.slug,
      name: school.name,
      trustSlug: school.trustSlug,
      policy: withReminderWindow(school.policy, window),
      policySource: school.policySource,
      termDates: school.termDates,
      audit: { by: email, details: { change: 'reminder window', reminderWindow: `${window.start}-${window.end}` } },
    });
    return { ok: true, value: window };
  }

  async policy(email: string, slug: string): Promise<PolicyView> {
    const { ref, school } = await this.#school(email, slug);
    const preset = presetOf(school.policy, school.policySource);
    const base = preset === undefined ? undefined : getPreset(preset);
    return {
      school: ref,
      source: school.policySource,
      preset,
      changes: base === undefined ? [] : policyDiff(base, school.policy),
      presets: PRESET_NAMES.map((name) => ({ name, title: `${getPreset(name)!.organisation}: ${getPreset(name)!.name}` })),
    };
  }

  /** The first step of changing the policy: validated, compared, nothing written. */
  async checkPolicy(email: string, slug: string, choice: PolicyChoice): Promise<{ school: AdminSchoolRef; check: PolicyCheck }> {
    const { ref, school } = await this.#school(email, slug);
    return { school: ref, check: checkChoice(choice, school) };
  }

  /**
   * The second step: the same choice checked again and saved, the school's reminder window kept
   * (it is the school's, set on its own page), everyone's obligations recomputed, and the change
   * recorded in the audit trail.
   */
  async applyPolicy(email: string, slug: string, choice: PolicyChoice): Promise<{ school: AdminSchoolRef; result: Outcome<{ source: string; obligations: ObligationChanges }> }> {
    const { ref, school } = await this.#school(email, slug);
    const check = checkChoice(choice, school);
    if (!check.ok) return { school: ref, result: { ok: false, problem: `The policy has ${check.problems.length} problem(s); nothing was changed.` } };
    const saved = await setSchool(this.#deps, {
      slug: school.slug,
      name: school.name,
      trustSlug: school.trustSlug,
      policy: withReminderWindow(check.policy, school.policy.reminders.window),
      policySource: check.source,
      termDates: school.termDates,
      audit: { by: email, details: { change: 'policy', settingsChanged: String(check.fromCurrent.length) } },
    });
    return { school: ref, result: { ok: true, value: { source: check.source, obligations: saved.obligations } } };
  }

  /** The academic year's days as the school's calendar counts them (this year when none is asked for), and the term-date files shipped to pick from. */
  async calendar(email: string, slug: string, academicYear?: number): Promise<{ school: AdminSchoolRef; academicYear: number; months: CalendarMonth[]; shipped: string[] }> {
    const { ref, school } = await this.#school(email, slug);
    const year = academicYear ?? currentAcademicYear(this.#deps.clock);
    return { school: ref, academicYear: year, months: yearCalendar(calendarOf(school), year), shipped: await this.#deps.shippedTermDates.names() };
  }

  /** The first step of new term dates (uploaded or shipped): checked, and this academic year shown as they would make it; nothing written. */
  async checkTermDates(email: string, slug: string, source: TermDatesSource): Promise<{ school: AdminSchoolRef; check: TermDatesCheck }> {
    const { ref, school } = await this.#school(email, slug);
    return { school: ref, check: await this.#checkTermDates(school, source) };
  }

  /** The second step: the same file checked again and saved, everyone's obligations recomputed (a deadline may move), and audited with the file it came from. */
  async applyTermDates(email: string, slug: string, source: TermDatesSource): Promise<{ school: AdminSchoolRef; result: Outcome<ObligationChanges> }> {
    const { ref, school } = await this.#school(email, slug);
    const check = await this.#checkTermDates(school, source);
    const file = termDatesFileName(source);
    if (!check.ok) return { school: ref, result: { ok: false, problem: `${file} has ${check.problems.length} problem(s); nothing was changed.` } };
    const saved = await setSchool(this.#deps, {
      slug: school.slug,
      name: school.name,
      trustSlug: school.trustSlug,
      policy: school.policy,
      policySource: school.policySource,
      termDates: check.termDates,
      audit: { by: email, details: { change: 'term dates', file } },
    });
    return { school: ref, result: { ok: true, value: saved.obligations } };
  }

  async #checkTermDates(school: School, source: TermDatesSource): Promise<TermDatesCheck> {
    let text: string;
    if ('shipped' in source) {
      const shipped = await this.#deps.shippedTermDates.read(source.shipped);
      if (shipped === undefined) return { ok: false, problems: [{ path: 'shipped', message: `should be one of the term-date files shipped with Trellis (${(await this.#deps.shippedTermDates.names()).join(', ')})` }] };
      text = shipped;
    } else {
      text = source.text;
    }
    const parsed = parseTermDates(text, termDatesFileName(source));
    if (!parsed.ok) return parsed;
    const year = currentAcademicYear(this.#deps.clock);
    const count = (months: readonly CalendarMonth[]) => months.reduce((sum, month) => sum + month.schoolDays, 0);
    const months = yearCalendar(calendarOf({ policy: school.policy, termDates: parsed.value, region: parsed.value.region }), year);
    return { ok: true, termDates: parsed.value, academicYear: year, months, schoolDaysNow: count(yearCalendar(calendarOf(school), year)), schoolDaysAfter: count(months) };
  }

  /** The Slack workspaces / Grid orgs and Teams tenants bound to the school with their installs (never a token), and whether this administrator may record a tenant for the whole trust. */
  async chatWorkspaces(email: string, slug: string): Promise<{ school: AdminSchoolRef; bindings: ChatBinding[]; managesTrust: boolean }> {
    const { ref } = await this.#school(email, slug);
    return { school: ref, bindings: await this.#deps.chat.boundTo(ref.id), managesTrust: await this.#managesTrust(email, ref) };
  }

  /**
   * Records a Slack workspace / Grid org id for the school, or a Teams tenant for the school or (a
   * trust administrator only) every school of its trust, through the command line's own storage
   * calls, audited with who did it. A malformed id is a problem on its field, and nothing is written.
   */
  async recordChatWorkspace(email: string, slug: string, platform: 'slack' | 'teams', typed: string, level: 'school' | 'trust'): Promise<ChatOutcome> {
    const { ref } = await this.#school(email, slug);
    const checked = checkChatId(platform, typed);
    if (!checked.ok) return checked;
    const schools = await this.#chatSchools(email, ref, platform, level);
    if (schools === undefined) return { ok: false, field: platform, problem: 'Only an administrator of the trust can record a Teams tenant for the whole trust.' };
    let added = 0;
    let unlinked = 0;
    for (const school of schools) {
      const done = await this.#deps.chat.record(school.id, platform, checked.id, email);
      added += done.added ? 1 : 0;
      unlinked += done.unlinked;
    }
    const what = `${platform === 'slack' ? 'Slack workspace' : 'Teams tenant'} ${checked.id}`;
    const where = level === 'trust' ? `every school of ${ref.trustName ?? 'the trust'}` : ref.name;
    const said = added > 0 ? `${what} is now recorded for ${where}: its people link from it.` : `${what} was already recorded for ${where}.`;
    return { ok: true, value: unlinked > 0 ? `${said} ${unlinked} account(s) of its people in other ${platform === 'slack' ? 'workspaces' : 'tenants'} were unlinked; they link again from a recorded one.` : said };
  }

  /** Forgets a workspace or tenant recorded for the school (or, a trust administrator, for every school of its trust), audited with who did it. */
  async removeChatWorkspace(email: string, slug: string, platform: 'slack' | 'teams', typed: string, level: 'school' | 'trust'): Promise<ChatOutcome> {
    const { ref } = await this.#school(email, slug);
    const checked = checkChatId(platform, typed);
    if (!checked.ok) return checked;
    const schools = await this.#chatSchools(email, ref, platform, level);
    if (schools === undefined) return { ok: false, field: platform, problem: 'Only an administrator of the trust can remove a Teams tenant from the whole trust.' };
    let removed = 0;
    let unlinked = 0;
    for (const school of schools) {
      const done = await this.#deps.chat.remove(school.id, platform, checked.id, email);
      removed += done.removed ? 1 : 0;
      unlinked += done.unlinked;
    }
    const what = `${platform === 'slack' ? 'Slack workspace' : 'Teams tenant'} ${checked.id}`;
    const where = level === 'trust' ? `any school of ${ref.trustName ?? 'the trust'}` : ref.name;
    if (removed === 0) return { ok: false, field: platform, problem: `${what} is not recorded for ${where}: nothing changed.` };
    return { ok: true, value: `${what} is no longer recorded for ${level === 'trust' ? `the schools of ${ref.trustName ?? 'the trust'}` : ref.name}${unlinked > 0 ? `; ${unlinked} account(s) of its people there were unlinked` : ''}.` };
  }

  /** The schools a record applies to: the school itself, or its trust's schools for a Teams tenant and a trust administrator; undefined when not allowed. */
  async #chatSchools(email: string, school: AdminSchoolRef, platform: 'slack' | 'teams', level: 'school' | 'trust'): Promise<{ id: string }[] | undefined> {
    if (level === 'school') return [{ id: school.id }];
    if (platform !== 'teams' || school.trustSlug === undefined || !(await this.#managesTrust(email, school))) return undefined;
    return this.#deps.chat.trustSchools(school.trustSlug);
  }

  /** The school's administrators, and whether this one may also name and remove its trust's (a trust administrator). */
  async administrators(email: string, slug: string): Promise<{ school: AdminSchoolRef; administrators: SchoolAdministrator[]; managesTrust: boolean }> {
    const { ref } = await this.#school(email, slug);
    return { school: ref, administrators: await this.#deps.grants.administratorsOf(ref), managesTrust: await this.#managesTrust(email, ref) };
  }

  /** Names an administrator of the school, or (a trust administrator only) of its trust; audited with who did it. */
  async addAdministrator(email: string, slug: string, typed: string, level: 'school' | 'trust'): Promise<Outcome<string>> {
    const { ref } = await this.#school(email, slug);
    if (!looksLikeEmail(typed)) return { ok: false, problem: `“${typed.trim()}” is not an e-mail address.` };
    const scope = await this.#scope(email, ref, level);
    if (scope === undefined) return { ok: false, problem: 'Only an administrator of the trust can name administrators for the whole trust.' };
    const who = normaliseAdminEmail(typed);
    const { added } = await this.#deps.grants.add(who, scope, email);
    const what = 'trust' in scope ? `every school of ${ref.trustName ?? 'the trust'}` : ref.name;
    return { ok: true, value: added ? `${who} can now use the admin console for ${what}.` : `${who} could already use the admin console for ${what}.` };
  }

  /**
   * Removes an administrator of the school, or (a trust administrator only) of its trust, and ends
   * their console sessions; audited with who did it. Nobody removes themselves when they are the
   * last administrator there: the school (or trust) would be left with nobody to run it.
   */
  async removeAdministrator(email: string, slug: string, typed: string, level: 'school' | 'trust'): Promise<Outcome<{ message: string; self: boolean }>> {
    const { ref } = await this.#school(email, slug);
    const scope = await this.#scope(email, ref, level);
    if (scope === undefined) return { ok: false, problem: 'Only an administrator of the trust can remove an administrator of the whole trust.' };
    const who = normaliseAdminEmail(typed);
    const self = who === email;
    if (self) {
      const administrators = await this.#deps.grants.administratorsOf(ref);
      const others = administrators.filter((a) => a.email !== who && (level === 'school' || a.scope === 'trust'));
      if (others.length === 0) return { ok: false, problem: `You are the last administrator of ${level === 'school' ? ref.name : (ref.trustName ?? 'the trust')}: name another administrator before removing yourself.` };
    }
    const removed = await this.#deps.grants.remove(who, scope, this.#deps.clock.now(), email);
    const what = 'trust' in scope ? `every school of ${ref.trustName ?? 'the trust'}` : ref.name;
    return { ok: true, value: { self: self && removed > 0, message: removed > 0 ? `${who} can no longer use the admin console for ${what}; their console sessions have ended.` : `${who} was not an administrator of ${what}: nothing changed.` } };
  }

  async #managesTrust(email: string, school: AdminSchoolRef): Promise<boolean> {
    // A trust administrator: their trust grants alone, by the one rule, administer this school.
    return administers((await this.#deps.directory.grantsOf(email)).filter((grant) => grant.trustId !== undefined), school);
  }

  /** Where a grant would apply: the school itself, or its trust for a trust administrator; undefined when not allowed. */
  async #scope(email: string, school: AdminSchoolRef, level: 'school' | 'trust'): Promise<AdminScope | undefined> {
    if (level === 'school') return { school: school.slug };
    return school.trustSlug !== undefined && (await this.#managesTrust(email, school)) ? { trust: school.trustSlug } : undefined;
  }

  async #school(email: string, slug: string): Promise<{ ref: AdminSchoolRef; school: School }> {
    const ref = (await this.schoolsFor(email)).find((school) => school.slug === slug);
    const school = ref === undefined ? undefined : await this.#deps.schools.findSchool(slug);
    if (ref === undefined || school === undefined) throw new NotAdministeredError(`${email} does not administer a school "${slug}".`);
    return { ref, school };
  }
}

/** A change on the chat workspaces page: what was done, or the problem and the field (the Slack or the Teams form) it belongs on. */
export type ChatOutcome = { ok: true; value: string } | { ok: false; field: 'slack' | 'teams'; problem: string };

/** The id as typed, checked by the one rule the command line uses. */
function checkChatId(platform: 'slack' | 'teams', typed: string): { ok: true; id: string } | { ok: false; field: 'slack' | 'teams'; problem: string } {
  const id = platform === 'slack' ? normaliseSlackWorkspaceId(typed) : normaliseTenantId(typed);
  if (id === '') return { ok: false, field: platform, problem: `Give ${platform === 'slack' ? SLACK_WORKSPACE_ID_RULE : TENANT_ID_RULE}.` };
  if (platform === 'slack' ? SLACK_WORKSPACE_ID.test(id) : GUID.test(id)) return { ok: true, id };
  return { ok: false, field: platform, problem: `“${typed.trim()}” is not ${platform === 'slack' ? SLACK_WORKSPACE_ID_RULE : TENANT_ID_RULE}.` };
}

function checkChoice(choice: PolicyChoice, school: School): PolicyCheck {
  let policy: Policy;
  let source: string;
  if ('preset' in choice) {
    const preset = getPreset(choice.preset);
    if (preset === undefined) return { ok: false, problems: [{ path: 'preset', message: `should be one of ${PRESET_NAMES.join(', ')}` }] };
    policy = preset;
    source = `preset:${choice.preset}`;
  } else {
    const parsed = parsePolicyText(choice.text);
    if (!parsed.ok) return parsed;
    policy = parsed.value;
    source = `upload:${choice.fileName}`;
  }
  const kept = withReminderWindow(policy, school.policy.reminders.window);
  const preset = presetOf(policy, source);
  const base = preset === undefined ? undefined : getPreset(preset);
  return { ok: true, policy, source, preset, fromPreset: base === undefined ? [] : policyDiff(base, kept), fromCurrent: policyDiff(school.policy, kept) };
}

/** How term dates are named to the administrator and in the audit trail: a shipped file by its place in Trellis. */
export function termDatesFileName(source: TermDatesSource): string {
  return 'shipped' in source ? `config/terms/${source.shipped}` : source.fileName;
}

function readMapping(given: GivenMapping): Outcome<ColumnMapping | undefined> {
  if (given === undefined) return { ok: true, value: undefined };
  if ('text' in given) {
    if (given.text.trim() === '') return { ok: true, value: undefined };
    const read = parseMappingOption(given.text);
    return read.ok ? { ok: true, value: read.mapping } : { ok: false, problem: read.problem };
  }
  const picked: Record<string, string[]> = {};
  for (const [field, columns] of Object.entries(given.columns)) {
    const named = (columns ?? []).filter((column) => column.trim() !== '');
    if (named.length > 0) picked[field] = named;
  }
  if (Object.keys(picked).length === 0) return { ok: true, value: undefined };
  const read = parseMappingJson(JSON.stringify(picked));
  return read.ok ? { ok: true, value: read.mapping } : { ok: false, problem: read.problem };
}

/** For each Trellis field, the columns of this header the mapping names, else the header's column of the field's own name. */
function chosenColumns(header: readonly string[], mapping: ColumnMapping | undefined): ColumnMapping {
  const byName = new Map(header.map((column) => [normaliseHeader(column), column]));
  const chosen: ColumnMapping = {};
  for (const field of ROSTER_FIELDS) {
    const named = (mapping?.[field] ?? []).map((column) => byName.get(normaliseHeader(column))).filter((column): column is string => column !== undefined);
    const own = byName.get(field);
    const columns = named.length > 0 ? named : own === undefined ? [] : [own];
    if (columns.length > 0) chosen[field] = columns;
  }
  return chosen;
}
