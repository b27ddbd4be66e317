import type { AdminSchoolRef } from '../core/admin/admin-access.ts';
import type { AdminSessionRecord, ChatBinding, SchoolAdministrator } from '../core/admin/admin-ports.ts';
import type { GivenMapping, PolicyCheck, PolicyView, RosterColumns, SchoolOverview, TermDatesCheck, WaitingAccessRequest } from '../core/admin/admin-console.ts';
import { ROSTER_FIELDS, type RosterField } from '../core/roster/column-mapping.ts';
import { REQUIRED_COLUMNS } from '../core/roster/roster-columns.ts';
import type { PolicyChange } from '../core/policy/policy-diff.ts';
import type { ObligationChanges } from '../core/ports.ts';
import type { Problem } from '../core/validation/problems.ts';
import type { CalendarMonth, DayKind } from '../core/calendar/year-calendar.ts';
import type { ChannelReach, ReachReport } from '../core/reach/reach.ts';
import type { OutboxEntry } from '../core/reminders/reminder-ports.ts';
import type { ReminderWindow } from '../core/reminders/reminder-window.ts';
import type { RosterImportResult } from '../core/roster/import-roster.ts';
import type { RosterPreview } from '../core/roster/preview-roster.ts';
import { describeReviewLoadWarning } from '../core/roster/review-load.ts';
import { Html, html } from './html.ts';

/** Who is signed in, and the token their forms carry. */
export interface Viewer {
  email: string;
  csrf: string;
}

/** The pages of a school, in the order its navigation lists them. */
export const SCHOOL_PAGES = [
  { path: '', title: 'Overview' },
  { path: '/reach', title: 'Who can be reached' },
  { path: '/deliveries', title: 'Failed deliveries' },
  { path: '/access-requests', title: 'Access requests' },
  { path: '/roster', title: 'Roster' },
  { path: '/reminders', title: 'Reminder window' },
  { path: '/terms', title: 'Term dates' },
  { path: '/policy', title: 'Policy' },
  { path: '/chat', title: 'Chat workspaces' },
  { path: '/admins', title: 'Administrators' },
] as const;
export type SchoolPage = (typeof SCHOOL_PAGES)[number]['path'];

export const schoolPath = (school: Pick<AdminSchoolRef, 'slug'>, page: SchoolPage | '/roster/preview' | '/roster/apply' | '/policy/check' | '/policy/apply' | '/terms/check' | '/terms/apply' = '') => `/admin/schools/${encodeURIComponent(school.slug)}${page}`;

export const STYLESHEET = `
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b; background: #fff; line-height: 1.5; }
body { margin: 0; }
.skip { position: absolute; left: 0.5rem; top: -3rem; background: #fff; padding: 0.5rem 1rem; border: 2px solid #1d4ed8; z-index: 10; }
.skip:focus { top: 0.5rem; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: 0.75rem 1.5rem; background: #14532d; color: #fff; }
header a, header .brand { color: #fff; font-weight: 600; }
header form { display: inline; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0; padding: 0.75rem 1.5rem; border-bottom: 1px solid #ccc; }
nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
main { padding: 1rem 1.5rem 3rem; max-width: 72rem; }
main:focus { outline: none; }
a { color: #1d4ed8; }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
button, .button { font: inherit; padding: 0.4rem 1rem; border: 2px solid #14532d; background: #14532d; color: #fff; border-radius: 4px; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: #14532d; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
label { display: block; font-weight: 600; margin-top: 1rem; }
label.inline { display: inline; margin-left: 0.3rem; }
fieldset { margin-top: 1rem; }
.hint { color: #4b5563; margin: 0.1rem 0 0.3rem; }
.error { color: #b91c1c; font-weight: 600; }
input[type=text], input[type=file] { font: inherit; padding: 0.3rem; border: 2px solid #4b5563; border-radius: 4px; min-width: 20rem; }
input[aria-invalid=true] { border-color: #b91c1c; }
.status { padding: 0.6rem 1rem; border-left: 6px solid #14532d; background: #f0fdf4; }
.problem { padding: 0.6rem 1rem; border-left: 6px solid #b91c1c; background: #fef2f2; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.5rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.months { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.month td, .month th { text-align: center; width: 2.2rem; padding: 0.2rem; border: 1px solid #ddd; }
.school-day { background: #dcfce7; }
.weekend { background: #f3f4f6; color: #6b7280; }
.bank-holiday { background: #fde68a; }
.closure { background: #fecaca; }
.half-term { background: #bfdbfe; }
.holiday { background: #ede9fe; }
.legend { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; }
.legend span { display: inline-block; width: 1rem; height: 1rem; border: 1px solid #999; vertical-align: middle; margin-right: 0.3rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;

/** The frame of every page: the skip link, the header with sign-out, the school's navigation, one h1 in `main`. */
export function page(options: { title: string; viewer?: Viewer | undefined; school?: AdminSchoolRef | undefined; current?: SchoolPage | undefined; body: Html }): string {
  const { title, viewer, school, current, body } = options;
  const nav =
    school === undefined
      ? ''
      : html`<nav aria-label="${school.name}"><ul>${SCHOOL_PAGES.map((p) => html`<li><a href="${schoolPath(school, p.path)}"${p.path === current ? new Html(' aria-current="page"') : ''}>${p.title}</a></li>`)}</ul></nav>`;
  const who =
    viewer === undefined
      ? ''
      : html`<p>Signed in as ${viewer.email} · <a href="/admin">Your schools</a> · <a href="/admin/sessions">Your sessions</a></p><form method="post" action="/admin/sign-out">${csrfField(viewer)}<button type="submit" class="secondary">Sign out</button></form>`;
  return `<!doctype html>${html`<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}${school === undefined ? '' : ` — ${school.name}`} — Trellis admin</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/admin/admin.css"></head><body><a class="skip" href="#main">Skip to main content</a><header><p class="brand">Trellis admin${school === undefined ? '' : ` · ${school.name}`}</p>${who}</header>${nav}<main id="main" tabindex="-1"><h1>${title}</h1>${body}</main></body></html>`}`;
}

const csrfField = (viewer: Viewer) => html`<input type="hidden" name="csrf" value="${viewer.csrf}">`;

export function signInPage(message?: string): string {
  return page({
    title: 'Sign in',
    body: html`${statusNote(message)}<p>The Trellis admin console is for the administrators of a school or trust. Sign in with your school account.</p><p><a class="button" href="/admin/sign-in">Sign in</a></p>`,
  });
}

/** A refusal or failure in one plain sentence or two, with the way on. */
export function messagePage(title: string, message: string, viewer?: Viewer): string {
  return page({ title, viewer, body: html`<p class="problem">${message}</p><p><a href="/admin">Back to the admin console</a></p>` });
}

export function schoolsPage(viewer: Viewer, schools: readonly AdminSchoolRef[]): string {
  return page({
    title: 'Your schools',
    viewer,
    body: html`<ul>${schools.map((school) => html`<li><a href="${schoolPath(school)}">${school.name}</a>${school.trustName === undefined ? '' : ` (${school.trustName})`}</li>`)}</ul>`,
  });
}

/** When, in London time, to the minute: for the sessions page. */
const londonMinute = (at: Date) => at.toLocaleString('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The administrator's live sessions (this one marked), each other one with a button that ends it. */
export function sessionsPage(viewer: Viewer, currentId: string, sessions: readonly AdminSessionRecord[], status?: string): string {
  return page({
    title: 'Your sessions',
    viewer,
    body: html`${statusNote(status)}<p>Where you are signed in to the Trellis admin console. End a session you do not recognise, or one on a computer you no longer use: that browser is signed out at once.</p>
<table><caption>Signed-in sessions of ${viewer.email}</caption><thead><tr><th scope="col">Signed in</th><th scope="col">Until</th><th scope="col">Browser</th><th scope="col">End it</th></tr></thead>
<tbody>${sessions.map(
      (s) =>
        html`<tr><td>${londonMinute(s.createdAt)}</td><td>${londonMinute(s.expiresAt)}</td><td>${s.userAgent ?? 'not known'}</td><td>${
          s.id === currentId
            ? html`This session (use Sign out)`
            : html`<form method="post" action="/admin/sessions">${csrfField(viewer)}<input type="hidden" name="id" value="${s.id}"><button type="submit" class="secondary" aria-label="End the session signed in ${londonMinute(s.createdAt)}">End this session</button></form>`
        }</td></tr>`,
    )}</tbody></table>`,
  });
}

export function overviewPage(viewer: Viewer, o: SchoolOverview): string {
  const s = o.school;
  return page({
    title: 'Overview',
    viewer,
    school: s,
    current: '',
    body: html`<dl>
<dt>School</dt><dd>${s.name} (${s.slug})</dd>
${s.trustName === undefined ? '' : html`<dt>Trust</dt><dd>${s.trustName}</dd>`}
<dt>Policy</dt><dd>${o.policySource}</dd>
<dt>Today</dt><dd>${o.today}, ${o.term === undefined ? 'not in term' : `${o.term} term`}</dd>
<dt>Staff on the roster</dt><dd>${o.reach.people}</dd>
<dt>Reachable in chat</dt><dd><a href="${schoolPath(s, '/reach')}">${o.reach.either} of ${o.reach.people}</a> (${o.reach.neither} by neither Slack nor Teams)</dd>
<dt>Failed deliveries</dt><dd><a href="${schoolPath(s, '/deliveries')}">${o.deadLetters}</a></dd>
<dt>Access requests waiting</dt><dd><a href="${schoolPath(s, '/access-requests')}">${o.accessRequestsWaiting}</a></dd>
<dt>Reminder window</dt><dd><a href="${schoolPath(s, '/reminders')}">${o.reminderWindow.start} to ${o.reminderWindow.end}</a> on school days</dd>
</dl>`,
  });
}

const said = (reach: ChannelReach) => (reach.reachable ? `Yes, ${reach.how}` : `No: ${reach.reason}`);

export function reachPage(viewer: Viewer, school: AdminSchoolRef, report: ReachReport): string {
  const t = report.totals;
  const body =
    t.people === 0
      ? html`<p>Nobody is on the roster yet: <a href="${schoolPath(school, '/roster')}">upload one</a>.</p>`
      : html`<p>Slack reaches ${t.slack} of ${t.people}, Teams ${t.teams} of ${t.people}; ${t.either} by at least one, ${t.neither} by neither.</p>
<table><caption>Active staff and whether Trellis can message them</caption><thead><tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">Slack</th><th scope="col">Teams</th></tr></thead>
<tbody>${report.people.map((p) => html`<tr><th scope="row">${p.fullName}</th><td>${p.email}</td><td>${p.role}</td><td>${said(p.slack)}</td><td>${said(p.teams)}</td></tr>`)}</tbody></table>`;
  return page({ title: 'Who can be reached', viewer, school, current: '/reach', body: html`${body}${headReviewersSection(report)}` });
}

/** The head's own reviewers (002 §22–24, 003 §6.3, 004 §9.1) and how each is reached, or why not, as `reachReport` says. */
function headReviewersSection(report: ReachReport) {
  const lines = report.headReviewers ?? [];
  const rule = lines[0]?.rule;
  if (rule === undefined) return '';
  return html`<h2>The head’s own reviewers</h2>
<p>Who the policy says reviews the head (${rule}). Anyone Trellis cannot reach is not lost: the head is reminded instead. Name contacts with <code>trellis school contact</code>.</p>
<table><caption>The head’s reviewers and how Trellis reaches them</caption><thead><tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Reviews the head as</th><th scope="col">Reached</th></tr></thead>
<tbody>${lines.map((r) => html`<tr><th scope="row">${r.name}</th><td>${r.email ?? ''}</td><td>${r.as}</td><td>${said(r.reach)}</td></tr>`)}</tbody></table>`;
}

export function deliveriesPage(viewer: Viewer, school: AdminSchoolRef, entries: readonly OutboxEntry[], status?: string): string {
  const note = statusNote(status);
  const body =
    entries.length === 0
      ? html`${note}<p>Nothing has failed.</p>`
      : html`${note}<p>Messages Trellis gave up sending after its retries. Fix the cause (for example, the person not yet in Slack or Teams), then resend.</p>
<form method="post" action="${schoolPath(school, '/deliveries')}">${csrfField(viewer)}
<table><caption>Failed deliveries, newest first</caption><thead><tr><th scope="col">Resend</th><th scope="col">What</th><th scope="col">To</th><th scope="col">Date</th><th scope="col">Attempts</th><th scope="col">Last error</th></tr></thead>
<tbody>${entries.map((e) => html`<tr><td><input type="checkbox" name="id" value="${e.id}" id="resend-${e.id}" aria-label="Resend the ${e.kind} to ${e.recipientEmail} of ${e.date}"></td><td>${e.kind}</td><td>${e.recipientEmail}</td><td>${e.date}</td><td>${e.attempts}</td><td>${e.lastError ?? ''}</td></tr>`)}</tbody></table>
<button type="submit">Resend the ones ticked</button></form>`;
  return page({ title: 'Failed deliveries', viewer, school, current: '/deliveries', body });
}

export function accessRequestsPage(viewer: Viewer, school: AdminSchoolRef, waiting: readonly WaitingAccessRequest[]): string {
  const body =
    waiting.length === 0
      ? html`<p>No access request is waiting for a decision.</p>`
      : html`<p>Requests to see a colleague's records wait for the head's decision in chat. Only who asked, about whom and when is shown here.</p>
<table><caption>Access requests awaiting a decision, oldest first</caption><thead><tr><th scope="col">Asked by</th><th scope="col">About</th><th scope="col">Asked on</th></tr></thead>
<tbody>${waiting.map((r) => html`<tr><td>${r.requesterName}</td><td>${r.subjectName}</td><td>${r.requestedAt.toISOString().slice(0, 10)}</td></tr>`)}</tbody></table>`;
  return page({ title: 'Access requests', viewer, school, current: '/access-requests', body });
}

export function rosterUploadPage(viewer: Viewer, school: AdminSchoolRef, problem?: string): string {
  const error = problem === undefined ? '' : html`<p class="problem" role="alert" id="file-problem">${problem}</p>`;
  return page({
    title: 'Roster',
    viewer,
    school,
    current: '/roster',
    body: html`${error}<p>Upload the staff list as CSV or as an Excel workbook (.xlsx). Nothing changes yet: you will see what each line would do, then apply it. When the file's columns are not Trellis's own (a staff export from your MIS), you choose which column is which after uploading; the choice is remembered for the next file of the same shape.</p>
<form method="post" action="${schoolPath(school, '/roster/preview')}" enctype="multipart/form-data">${csrfField(viewer)}
<label for="roster-file">Roster file (CSV or .xlsx)</label><input type="file" id="roster-file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required${problem === undefined ? '' : new Html(' aria-invalid="true" aria-describedby="file-problem"')}>
<p><button type="submit">Check the file</button></p></form>`,
  });
}

/** What a roster preview carries to its next step: the file itself, and the mapping that was given with it (none: the remembered one or the file's own headers). */
export interface RosterCarry {
  name: string;
  base64: string;
  given: GivenMapping;
}

/** Trellis's roster fields as the column picker names them. */
const FIELD_LABELS: Record<RosterField, string> = {
  email: 'E-mail address',
  full_name: 'Full name',
  role: 'Role',
  line_manager_email: "Line manager's e-mail address",
  department: 'Department',
  coach_email: "Coach's e-mail address",
  start_date: 'Start date',
  contract: 'Contract',
  contract_end: 'Contract end date',
  flags: 'Flags',
  fte: 'FTE (full-time equivalent)',
};
const REQUIRED = new Set<string>(REQUIRED_COLUMNS);

function givenFields(given: GivenMapping): Html {
  if (given === undefined) return html``;
  if ('text' in given) return html`<input type="hidden" name="mapping" value="${given.text}">`;
  return html`${ROSTER_FIELDS.flatMap((field) => (given.columns[field] ?? []).map((column, at) => html`<input type="hidden" name="column-${field}${at === 0 ? '' : '-2'}" value="${column}">`))}`;
}

function columnSelect(id: string, label: string, hint: string | undefined, header: readonly string[], chosen: string | undefined): Html {
  return html`<label for="${id}">${label}</label>${hint === undefined ? '' : html`<p class="hint" id="${id}-hint">${hint}</p>`}<select id="${id}" name="${id}"${hint === undefined ? '' : new Html(` aria-describedby="${id}-hint"`)}><option value="">Not in the file</option>${header.map((column) => html`<option value="${column}"${column === chosen ? new Html(' selected') : ''}>${column}</option>`)}</select>`;
}

/** The column picker: the file's header row, and per Trellis field a select of its columns; posts the file back to the preview. */
function columnPicker(viewer: Viewer, school: AdminSchoolRef, carry: RosterCarry, columns: RosterColumns, button: string): Html {
  return html`<p>The file's first row names ${columns.header.length} column(s): ${columns.header.map((column, at) => html`${at === 0 ? '' : ', '}<strong>${column}</strong>`)}.</p>
<form method="post" action="${schoolPath(school, '/roster/preview')}">${csrfField(viewer)}<input type="hidden" name="file" value="${carry.base64}"><input type="hidden" name="name" value="${carry.name}">
<fieldset><legend>Which column holds each of Trellis's fields</legend>
${ROSTER_FIELDS.map((field) => html`${columnSelect(`column-${field}`, `${FIELD_LABELS[field]}${REQUIRED.has(field) ? ' (required)' : ''}`, field === 'full_name' ? 'Where the name is in two columns, choose the first here and the second below: they are joined with a space.' : undefined, columns.header, columns.chosen[field]?.[0])}${field === 'full_name' ? columnSelect('column-full_name-2', 'Full name, second part (optional, such as the surname)', undefined, columns.header, columns.chosen.full_name?.[1]) : ''}`)}
</fieldset>
<p><button type="submit">${button}</button></p></form>`;
}

/** The file could be read but not with these columns: the problem, and the picker to say which is which. */
export function rosterColumnsPage(viewer: Viewer, school: AdminSchoolRef, carry: RosterCarry, columns: RosterColumns, problem: string): string {
  return page({
    title: "Roster: choose the file's columns",
    viewer,
    school,
    current: '/roster',
    body: html`<p class="problem" role="alert">${problem} Nothing has been loaded yet.</p>
${columnPicker(viewer, school, carry, columns, 'Check the file with these columns')}
<p><a href="${schoolPath(school, '/roster')}">Choose another file</a></p>`,
  });
}

const OUTCOME = { new: 'Added as new', 'on-roster': 'Already on the roster (its details are taken from this line)', problem: 'Not loaded' } as const;

export function rosterPreviewPage(viewer: Viewer, school: AdminSchoolRef, preview: RosterPreview & { ok: true }, file: RosterCarry, columns: RosterColumns): string {
  const t = preview.totals;
  const unit = preview.unit === 'row' ? 'Row' : 'Line';
  return page({
    title: 'Roster: check before applying',
    viewer,
    school,
    current: '/roster',
    body: html`<p class="status" role="status">${file.name}: ${t.loadable} of ${t.lines} ${preview.unit}s can be loaded (${t.new} new), ${t.problems} ${t.problems === 1 ? 'has a problem' : 'have problems'}. Nothing has changed yet.</p>
<table><caption>What each ${preview.unit} of the file would do</caption><thead><tr><th scope="col">${unit}</th><th scope="col">E-mail</th><th scope="col">Name</th><th scope="col">What happens</th></tr></thead>
<tbody>${preview.lines.map((l) => html`<tr><td>${l.line}</td><td>${l.email ?? ''}</td><td>${l.fullName ?? ''}</td><td${l.outcome === 'problem' ? new Html(' class="error"') : ''}>${OUTCOME[l.outcome]}${l.message === undefined ? '' : `: ${l.message}`}</td></tr>`)}</tbody></table>
<h2>Not in this file</h2>${preview.notInFile.length === 0 ? html`<p>Everyone on the roster is in the file.</p>` : html`<p>${preview.notInFile.length} ${preview.notInFile.length === 1 ? 'person on the roster is' : 'people on the roster are'} not in the file:</p><ul>${preview.notInFile.map((p) => html`<li>${p.fullName} (${p.email})</li>`)}</ul>`}
<h2>Warnings</h2>${preview.reviewLoad.length === 0 ? html`<p>None.</p>` : html`<ul>${preview.reviewLoad.map((w) => html`<li>${describeReviewLoadWarning(w, 'would review')}</li>`)}</ul>`}
<form method="post" action="${schoolPath(school, '/roster/apply')}">${csrfField(viewer)}
<input type="hidden" name="file" value="${file.base64}"><input type="hidden" name="name" value="${file.name}">${givenFields(file.given)}
${
  preview.notInFile.length === 0
    ? html`<input type="hidden" name="leavers" value="list">`
    : html`<fieldset><legend>The people not in the file</legend>
<div><input type="radio" id="leavers-list" name="leavers" value="list" checked><label for="leavers-list" class="inline">Keep them on the roster</label></div>
<div><input type="radio" id="leavers-mark" name="leavers" value="mark"><label for="leavers-mark" class="inline">Mark them as leavers from today (their records are kept)</label></div></fieldset>`
}
<p><button type="submit">Apply this roster</button> <a href="${schoolPath(school, '/roster')}">Choose another file</a></p></form>
<h2>Columns</h2>${preview.mapping === undefined ? html`<p>The file was read by its own column names, which are Trellis's.</p>` : html`<p>The file was read with ${preview.mapping.used === 'given' ? 'the columns chosen' : "the columns remembered for this school from its last import"}.</p>`}
${columnPicker(viewer, school, file, columns, 'Check the file again with these columns')}`,
  });
}

export function rosterAppliedPage(viewer: Viewer, school: AdminSchoolRef, result: RosterImportResult & { ok: true }): string {
  const { created, updated, unchanged } = result.changes;
  const o = result.obligations;
  return page({
    title: 'Roster applied',
    viewer,
    school,
    current: '/roster',
    body: html`<p class="status" role="status">Loaded ${result.loaded} staff: ${created} new, ${updated} changed, ${unchanged} unchanged${result.changes.leaversMarked.length > 0 ? `; ${result.changes.leaversMarked.length} marked as leavers` : ''}. Obligations: ${o.created} added, ${o.updated} moved, ${o.removed} removed.</p>
${result.problems.length === 0 ? '' : html`<p>${result.problems.length} ${result.unit}${result.problems.length === 1 ? ' was' : 's were'} not loaded:</p><ul>${result.problems.map((p) => html`<li>${result.unit} ${p.line}${p.email === undefined ? '' : ` (${p.email})`}: ${p.message}</li>`)}</ul>`}
<p><a href="${schoolPath(school, '/reach')}">See who can be reached</a></p>`,
  });
}

export function reminderWindowPage(viewer: Viewer, school: AdminSchoolRef, window: ReminderWindow, outcome?: { problem: string; typed: string } | { saved: true }): string {
  const problem = outcome !== undefined && 'problem' in outcome ? outcome : undefined;
  const value = problem?.typed ?? `${window.start}-${window.end}`;
  return page({
    title: 'Reminder window',
    viewer,
    school,
    current: '/reminders',
    body: html`${outcome !== undefined && 'saved' in outcome ? html`<p class="status" role="status">Saved: reminders now go out between ${window.start} and ${window.end} (London time) on school days.</p>` : ''}
<p>Reminders and digests are sent only inside this window, on school days. Changing it moves no deadline.</p>
<form method="post" action="${schoolPath(school, '/reminders')}">${csrfField(viewer)}
<label for="window">Daily window (24-hour, London time)</label><p class="hint" id="window-hint">Two times like 15:30-17:00.</p>
${problem === undefined ? '' : html`<p class="error" id="window-problem">${problem.problem}</p>`}
<input type="text" id="window" name="window" value="${value}" aria-describedby="window-hint${problem === undefined ? '' : ' window-problem'}"${problem === undefined ? '' : new Html(' aria-invalid="true"')}>
<p><button type="submit">Save</button></p></form>`,
  });
}

const KIND_NAMES: Record<DayKind, string> = { 'school-day': 'school day', weekend: 'weekend', 'bank-holiday': 'bank holiday', closure: 'closure day', 'half-term': 'half term', holiday: 'holiday' };
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A file refused: each problem at its field (`terms[0].end`, `reminders.window`), and nothing changed. */
function problemsPage(viewer: Viewer, school: AdminSchoolRef, current: '/terms' | '/policy', o: { title: string; what: string; problems: readonly Problem[]; back: string }): string {
  return page({
    title: o.title,
    viewer,
    school,
    current,
    body: html`<p class="problem" role="alert">${o.what} has ${o.problems.length} ${o.problems.length === 1 ? 'problem' : 'problems'}; nothing was changed.</p>
<table><caption>Each problem at its field</caption><thead><tr><th scope="col">Field</th><th scope="col">Problem</th></tr></thead>
<tbody>${o.problems.map((p) => html`<tr><th scope="row"><code>${p.path}</code></th><td>${p.message}</td></tr>`)}</tbody></table>
<p><a href="${schoolPath(school, current)}">${o.back}</a></p>`,
  });
}

const academicYearText = (year: number) => `${year}/${String((year + 1) % 100).padStart(2, '0')}`;

function calendarBody(months: readonly CalendarMonth[]): Html {
  return html`<ul class="legend" aria-label="Key">${(Object.keys(KIND_NAMES) as DayKind[]).map((k) => html`<li><span class="${k}"></span>${KIND_NAMES[k]}</li>`)}</ul>
<div class="months">${months.map(monthTable)}</div>`;
}

export function termDatesPage(viewer: Viewer, school: AdminSchoolRef, academicYear: number, months: readonly CalendarMonth[], shipped: readonly string[], problem?: string): string {
  const total = months.reduce((sum, month) => sum + month.schoolDays, 0);
  const year = academicYearText(academicYear);
  return page({
    title: `Term dates ${year}`,
    viewer,
    school,
    current: '/terms',
    body: html`${problem === undefined ? '' : html`<p class="problem" role="alert" id="terms-problem">${problem}</p>`}<p>${total} school days in ${year}, as Trellis counts them for every deadline. <a href="${schoolPath(school, '/terms')}?year=${academicYear - 1}">Previous year</a> · <a href="${schoolPath(school, '/terms')}?year=${academicYear + 1}">Next year</a></p>
${calendarBody(months)}
<h2>New term dates</h2>
<p>Nothing changes until you have seen the calendar they make and confirmed it.</p>
${
  shipped.length === 0
    ? ''
    : html`<form method="post" action="${schoolPath(school, '/terms/check')}" enctype="multipart/form-data">${csrfField(viewer)}<input type="hidden" name="kind" value="shipped">
<label for="terms-shipped">Term dates shipped with Trellis</label><p class="hint" id="terms-shipped-hint">Files in Trellis's <code>config/terms</code> folder, as <code>trellis school set --terms config/terms/…</code> uses them.</p>
<select id="terms-shipped" name="shipped" aria-describedby="terms-shipped-hint">${shipped.map((name) => html`<option value="${name}">${name}</option>`)}</select>
<p><button type="submit">Check these term dates</button></p></form>`
}
<form method="post" action="${schoolPath(school, '/terms/check')}" enctype="multipart/form-data">${csrfField(viewer)}<input type="hidden" name="kind" value="file">
<label for="terms-file">${shipped.length === 0 ? 'Term dates file' : 'Or your own term dates file'} (YAML or JSON)</label><p class="hint" id="terms-file-hint">As <code>trellis school set --terms</code> reads it: region, terms with half terms, closure days.</p>
<input type="file" id="terms-file" name="file" accept=".yaml,.yml,.json" required aria-describedby="terms-file-hint${problem === undefined ? '' : ' terms-problem'}">
<p><button type="submit">Check this file</button></p></form>`,
  });
}

/** What the term dates check carries to its confirmation: a shipped file's name, or the uploaded file itself. */
export type TermDatesCarry = { shipped: string } | { name: string; base64: string };

export function termDatesCheckPage(viewer: Viewer, school: AdminSchoolRef, check: TermDatesCheck, carry: TermDatesCarry): string {
  const name = 'shipped' in carry ? `config/terms/${carry.shipped}` : carry.name;
  if (!check.ok) return problemsPage(viewer, school, '/terms', { title: 'Term dates: problems to fix', what: name, problems: check.problems, back: 'Back to the term dates' });
  const year = academicYearText(check.academicYear);
  const hidden = 'shipped' in carry ? html`<input type="hidden" name="shipped" value="${carry.shipped}">` : html`<input type="hidden" name="file" value="${carry.base64}"><input type="hidden" name="name" value="${carry.name}">`;
  return page({
    title: 'Term dates: check before using',
    viewer,
    school,
    current: '/terms',
    body: html`<p class="status" role="status">${name}: ${check.schoolDaysAfter} school days in ${year} (now ${check.schoolDaysNow}). Nothing has changed yet.</p>
<form method="post" action="${schoolPath(school, '/terms/apply')}">${csrfField(viewer)}${hidden}
<p><button type="submit">Use these term dates</button> <a href="${schoolPath(school, '/terms')}">Cancel</a></p></form>
${calendarBody(check.months)}`,
  });
}

export function termDatesAppliedPage(viewer: Viewer, school: AdminSchoolRef, name: string, o: ObligationChanges): string {
  return page({
    title: 'Term dates changed',
    viewer,
    school,
    current: '/terms',
    body: html`<p class="status" role="status">The school's term dates are now those of ${name}. Everyone's obligations were recomputed: ${o.created} added, ${o.updated} moved, ${o.removed} removed, ${o.unchanged} unchanged; anything already done stays as it is.</p><p><a href="${schoolPath(school, '/terms')}">See the calendar</a></p>`,
  });
}

function monthTable(month: CalendarMonth): Html {
  const first = month.days[0]!;
  const offset = (new Date(`${first.date}T12:00:00Z`).getUTCDay() + 6) % 7;
  const cells: (Html | undefined)[] = [...Array.from({ length: offset }, () => undefined), ...month.days.map((d) => html`<td class="${d.kind}">${Number(d.date.slice(8))}<span class="visually-hidden">, ${KIND_NAMES[d.kind]}</span></td>`)];
  const weeks: (Html | undefined)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  const name = new Date(`${month.month}-01T12:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return html`<table class="month"><caption>${name}: ${month.schoolDays} school days</caption><thead><tr>${WEEKDAYS.map((d) => html`<th scope="col">${d}</th>`)}</tr></thead><tbody>${weeks.map((week) => html`<tr>${week.map((cell) => cell ?? html`<td></td>`)}${Array.from({ length: 7 - week.length }, () => html`<td></td>`)}</tr>`)}</tbody></table>`;
}

function changesTable(changes: readonly PolicyChange[], caption: string, before: string, after: string): Html {
  if (changes.length === 0) return html`<p>No differences.</p>`;
  return html`<table><caption>${caption}</caption><thead><tr><th scope="col">Setting</th><th scope="col">${before}</th><th scope="col">${after}</th></tr></thead>
<tbody>${changes.map((c) => html`<tr><th scope="row"><code>${c.path}</code></th><td>${c.before ?? '(not set)'}</td><td>${c.after ?? '(not set)'}</td></tr>`)}</tbody></table>`;
}

export function policyPage(viewer: Viewer, view: PolicyView, problem?: string): string {
  const { school } = view;
  return page({
    title: 'Policy',
    viewer,
    school,
    current: '/policy',
    body: html`${problem === undefined ? '' : html`<p class="problem" role="alert" id="policy-problem">${problem}</p>`}
<p>This school runs <strong>${view.source}</strong>${view.preset === undefined ? ', which is not based on a preset.' : html`, based on the preset <strong>${view.preset}</strong>.`}</p>
${view.preset === undefined ? '' : html`<h2>Where it differs from the preset</h2>${changesTable(view.changes, `Settings that differ from the preset ${view.preset}`, 'Preset', 'This school')}`}
<h2>Change the policy</h2>
<p>Nothing changes until you have checked the policy and confirmed it. The school's reminder window is kept.</p>
<form method="post" action="${schoolPath(school, '/policy/check')}" enctype="multipart/form-data">${csrfField(viewer)}<input type="hidden" name="kind" value="preset">
<label for="preset">A preset</label><select id="preset" name="preset">${view.presets.map((p) => html`<option value="${p.name}"${p.name === view.preset ? new Html(' selected') : ''}>${p.name} — ${p.title}</option>`)}</select>
<p><button type="submit">Check this preset</button></p></form>
<form method="post" action="${schoolPath(school, '/policy/check')}" enctype="multipart/form-data">${csrfField(viewer)}<input type="hidden" name="kind" value="file">
<label for="policy-file">Or your own policy file (YAML or JSON)</label><p class="hint" id="policy-file-hint">Start from a preset with <code>trellis policy show PRESET</code> and change it.</p>
<input type="file" id="policy-file" name="file" accept=".yaml,.yml,.json" required aria-describedby="policy-file-hint${problem === undefined ? '' : ' policy-problem'}">
<p><button type="submit">Check this file</button></p></form>`,
  });
}

export function policyCheckPage(viewer: Viewer, school: AdminSchoolRef, check: PolicyCheck, carry: { preset: string } | { base64: string; name: string }): string {
  if (!check.ok) return problemsPage(viewer, school, '/policy', { title: 'Policy: problems to fix', what: 'name' in carry ? carry.name : carry.preset, problems: check.problems, back: 'Back to the policy' });
  const hidden = 'preset' in carry ? html`<input type="hidden" name="preset" value="${carry.preset}">` : html`<input type="hidden" name="file" value="${carry.base64}"><input type="hidden" name="name" value="${carry.name}">`;
  return page({
    title: 'Policy: check before using',
    viewer,
    school,
    current: '/policy',
    body: html`<p class="status" role="status">"${check.policy.name}" for ${check.policy.organisation} is a valid policy with ${check.policy.obligations.length} obligation rules. Nothing has changed yet.</p>
<h2>Compared with the school's policy now</h2>${changesTable(check.fromCurrent, 'Settings that would change', 'Now', 'After')}
${check.preset === undefined ? html`<p>It is not based on a preset.</p>` : html`<h2>Compared with the preset it came from (${check.preset})</h2>${changesTable(check.fromPreset, `Settings that differ from the preset ${check.preset}`, 'Preset', 'This policy')}`}
<form method="post" action="${schoolPath(school, '/policy/apply')}">${csrfField(viewer)}${hidden}
<p><button type="submit">Use this policy</button> <a href="${schoolPath(school, '/policy')}">Cancel</a></p></form>`,
  });
}

export function policyAppliedPage(viewer: Viewer, school: AdminSchoolRef, source: string, o: ObligationChanges): string {
  return page({
    title: 'Policy changed',
    viewer,
    school,
    current: '/policy',
    body: html`<p class="status" role="status">The school now runs ${source}. Everyone's obligations were recomputed: ${o.created} added, ${o.updated} moved, ${o.removed} removed, ${o.unchanged} unchanged; anything already done stays as it is.</p><p><a href="${schoolPath(school, '/policy')}">Back to the policy</a></p>`,
  });
}

/** When, in London time, to the day. */
const londonDay = (at: Date) => at.toLocaleDateString('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric' });

function slackInstallText(binding: ChatBinding): string {
  const install = binding.slackInstall;
  if (install === undefined) return 'Not installed through “Add to Slack” (served by the server’s own bot token, if it has one for this workspace)';
  const where = install.orgWide ? `org-wide in Enterprise Grid org ${install.key}` : install.enterpriseId === undefined ? `in workspace ${install.key}` : `in workspace ${install.key} of Enterprise Grid org ${install.enterpriseId}`;
  const by = install.installedBy === undefined ? '' : ` by ${install.installedBy.name === undefined ? `Slack user ${install.installedBy.userId}` : `${install.installedBy.name} (${install.installedBy.userId})`}`;
  return `Installed ${where} on ${londonDay(install.installedAt)}${by}`;
}

function teamsTenantText(binding: ChatBinding): string {
  // Recorded is what lets its people in; a catalogue app id is what lets Trellis install its app for them.
  const tenant = binding.teamsTenant;
  if (tenant?.graphInstalls === true) return `Trellis installs its app for staff through Microsoft Graph (set up on ${londonDay(tenant.registeredAt)})`;
  return 'Graph installs not set up (no catalogue app id: trellis teams tenants add … --catalog-app-id): staff get reminders once they have opened Trellis in Teams';
}

/** What the chat workspaces page says after a change: what was done, or the problem on the Slack or Teams form with what was typed. */
export type ChatPageOutcome = { status: string } | { problem: string; field: 'slack' | 'teams'; typed: string };

/**
 * The Slack workspaces / Grid orgs and Teams tenants the school is bound to, when each was recorded
 * and installed, and who installed a Slack app through "Add to Slack" (from the audit trail; the
 * sealed install is never opened); a form to record a Slack id and one to register a Teams tenant
 * (for the whole trust too, for a trust administrator), and a Remove button on each recorded for
 * this school. `slackInstallUrl`: the "Add to Slack" link, when Slack's OAuth is configured.
 */
export function chatWorkspacesPage(viewer: Viewer, school: AdminSchoolRef, bindings: readonly ChatBinding[], managesTrust: boolean, slackInstallUrl: string | undefined, outcome?: ChatPageOutcome): string {
  const trust = school.trustName ?? 'the trust';
  const removeButton = (b: ChatBinding, level: 'school' | 'trust') =>
    html`<form method="post" action="${schoolPath(school, '/chat')}">${csrfField(viewer)}<input type="hidden" name="action" value="remove"><input type="hidden" name="platform" value="${b.platform}"><input type="hidden" name="id" value="${b.tenantId}"><input type="hidden" name="level" value="${level}"><button type="submit" class="secondary" aria-label="Remove ${b.tenantId} from ${level === 'school' ? school.name : `every school of ${trust}`}">${level === 'school' ? 'Remove' : 'Remove from the trust'}</button></form>`;
  const removal = (b: ChatBinding) => {
    const here = b.recordedForSchoolId === school.id ? removeButton(b, 'school') : '';
    const trustWide = b.platform === 'teams' && managesTrust ? removeButton(b, 'trust') : '';
    return here === '' && trustWide === '' ? html`Recorded for ${b.recordedFor}: remove it there` : html`${here}${trustWide}`;
  };
  const table = (platform: 'slack' | 'teams') => {
    const rows = bindings.filter((b) => b.platform === platform);
    const caption = platform === 'slack' ? 'Slack workspaces and Enterprise Grid orgs' : 'Microsoft Teams tenants';
    if (rows.length === 0) return html`<h2>${caption}</h2><p>None recorded for this school or its trust.</p>`;
    return html`<h2>${caption}</h2><table><caption class="visually-hidden">${caption} bound to ${school.name}</caption><thead><tr><th scope="col">${platform === 'slack' ? 'Workspace or org id' : 'Tenant id'}</th><th scope="col">Recorded</th><th scope="col">${platform === 'slack' ? 'Install' : 'Registration'}</th><th scope="col">Remove</th></tr></thead>
<tbody>${rows.map((b) => html`<tr><td><code>${b.tenantId}</code></td><td>${londonDay(b.recordedAt)}${b.recordedForSchoolId === school.id ? '' : `, for ${b.recordedFor} (same trust)`}</td><td>${platform === 'slack' ? slackInstallText(b) : teamsTenantText(b)}</td><td>${removal(b)}</td></tr>`)}</tbody></table>`;
  };
  const problemOn = (field: 'slack' | 'teams') => (outcome !== undefined && 'problem' in outcome && outcome.field === field ? outcome : undefined);
  const idField = (field: 'slack' | 'teams', label: string, hint: string) => {
    const problem = problemOn(field);
    return html`${problem === undefined ? '' : html`<p class="problem" role="alert" id="${field}-problem">${problem.problem}</p>`}<label for="${field}-id">${label}</label><p class="hint" id="${field}-hint">${hint}</p><input type="text" id="${field}-id" name="id" autocomplete="off" spellcheck="false" value="${problem?.typed ?? ''}" aria-describedby="${field}-hint${problem === undefined ? '' : ` ${field}-problem`}"${problem === undefined ? '' : new Html(' aria-invalid="true"')}>`;
  };
  const install =
    slackInstallUrl === undefined
      ? html`<p>“Add to Slack” is not configured on this server (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET).</p>`
      : html`<p><a class="button" href="${slackInstallUrl}">Add Trellis to a Slack workspace</a></p><p class="hint">After installing, record below the workspace (or org) id the install page shows.</p>`;
  const level = levelChoice('teams-level', school.name, trust, managesTrust);
  return page({
    title: 'Chat workspaces',
    viewer,
    school,
    current: '/chat',
    body: html`${statusNote(outcome !== undefined && 'status' in outcome ? outcome.status : undefined)}
<p>Where staff of ${school.name} can use Trellis. Only people in these workspaces and tenants are linked to the roster. Every change is in the audit trail.</p>${table('slack')}${install}
<form method="post" action="${schoolPath(school, '/chat')}">${csrfField(viewer)}<input type="hidden" name="action" value="add"><input type="hidden" name="platform" value="slack">
${idField('slack', 'Slack workspace or Enterprise Grid org id', 'A workspace id starts with T, an Enterprise Grid org id with E (e.g. T0123ABCD), as the install page or auth.test shows.')}
<p><button type="submit">Record Slack workspace</button></p></form>
${table('teams')}
<form method="post" action="${schoolPath(school, '/chat')}">${csrfField(viewer)}<input type="hidden" name="action" value="add"><input type="hidden" name="platform" value="teams">
${idField('teams', 'Microsoft Entra tenant id', 'A GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47: Microsoft Entra admin centre → Overview → Tenant ID.')}
${level}<p><button type="submit">Register Teams tenant</button></p></form>`,
  });
}

/** A one-line outcome announced to screen readers, or nothing. */
function statusNote(text: string | undefined): Html | '' {
  return text === undefined ? '' : html`<p class="status" role="status">${text}</p>`;
}

/** This school only, or every school of the trust: offered to a trust administrator only (others act for the school). */
function levelChoice(id: string, schoolName: string, trust: string, managesTrust: boolean): Html {
  return managesTrust
    ? html`<fieldset><legend>For</legend><input type="radio" id="${id}-school" name="level" value="school" checked><label class="inline" for="${id}-school">${schoolName} only</label><br><input type="radio" id="${id}-trust" name="level" value="trust"><label class="inline" for="${id}-trust">Every school of ${trust}</label></fieldset>`
    : html`<input type="hidden" name="level" value="school">`;
}

/** The school's administrators: name one by e-mail, remove one (a trust administrator also the trust's). */
export function administratorsPage(
  viewer: Viewer,
  school: AdminSchoolRef,
  administrators: readonly SchoolAdministrator[],
  managesTrust: boolean,
  outcome?: { status: string } | { problem: string; typed?: string },
): string {
  const trust = school.trustName ?? 'the trust';
  const removable = (a: SchoolAdministrator) => a.scope === 'school' || managesTrust;
  const rows = administrators.map(
    (a) =>
      html`<tr><td>${a.email}${a.email === viewer.email ? ' (you)' : ''}</td><td>${a.scope === 'school' ? 'This school' : `Every school of ${trust}`}</td><td>${londonDay(a.since)}</td><td>${
        removable(a)
          ? html`<form method="post" action="${schoolPath(school, '/admins')}">${csrfField(viewer)}<input type="hidden" name="action" value="remove"><input type="hidden" name="email" value="${a.email}"><input type="hidden" name="level" value="${a.scope}"><button type="submit" class="secondary" aria-label="Remove ${a.email} as administrator of ${a.scope === 'school' ? school.name : trust}">Remove</button></form>`
          : 'A trust administrator can remove this'
      }</td></tr>`,
  );
  const problem = outcome !== undefined && 'problem' in outcome ? outcome.problem : undefined;
  const typed = outcome !== undefined && 'problem' in outcome ? (outcome.typed ?? '') : '';
  const level = levelChoice('level', school.name, trust, managesTrust);
  return page({
    title: 'Administrators',
    viewer,
    school,
    current: '/admins',
    body: html`${statusNote(outcome !== undefined && 'status' in outcome ? outcome.status : undefined)}${problem === undefined ? '' : html`<p class="problem" role="alert" id="email-problem">${problem}</p>`}
<p>Who can use the admin console for ${school.name}. They sign in with the e-mail named here (their Microsoft or Slack account's verified e-mail). Removing someone ends their console sessions at once. Every change is in the audit trail.</p>
<table><caption>Administrators of ${school.name}</caption><thead><tr><th scope="col">E-mail</th><th scope="col">For</th><th scope="col">Since</th><th scope="col">Remove</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Name an administrator</h2>
<form method="post" action="${schoolPath(school, '/admins')}">${csrfField(viewer)}<input type="hidden" name="action" value="add">
<label for="admin-email">E-mail address</label><input type="text" id="admin-email" name="email" inputmode="email" autocomplete="off" value="${typed}"${problem === undefined ? '' : new Html(' aria-invalid="true" aria-describedby="email-problem"')}>
${level}<p><button type="submit">Name administrator</button></p></form>`,
  });
}
