import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../channels/channel.ts';
import type { AdminConsoleConfig } from '../config/load-config.ts';
import type { AdminSessions, AttemptLimiter } from '../core/admin/admin-ports.ts';
import { verifiedEmailOf } from '../core/admin/admin-access.ts';
import { type AdminConsole, type GivenMapping, NotAdministeredError, type PolicyChoice, type TermDatesSource, termDatesFileName } from '../core/admin/admin-console.ts';
import { ROSTER_FIELDS, type RosterField } from '../core/roster/column-mapping.ts';
import type { Clock } from '../core/time/clock.ts';
import { addLogContext, type Logger } from '../logging/logger.ts';
import { readBody } from '../server/read-body.ts';
import {
  accessRequestsPage,
  administratorsPage,
  chatWorkspacesPage,
  deliveriesPage,
  messagePage,
  overviewPage,
  policyAppliedPage,
  policyCheckPage,
  policyPage,
  reachPage,
  reminderWindowPage,
  rosterAppliedPage,
  rosterColumnsPage,
  rosterPreviewPage,
  rosterUploadPage,
  STYLESHEET,
  schoolsPage,
  sessionsPage,
  signInPage,
  termDatesAppliedPage,
  termDatesCheckPage,
  termDatesPage,
  type TermDatesCarry,
  type Viewer,
} from './admin-pages.ts';
import { OidcSignIn, SignInFailed } from './oidc-sign-in.ts';
import { type AdminSession, CookieSigner, isPendingSignIn, isSession, newSessionId, SESSION_COOKIE, SESSION_SECONDS, SIGN_IN_COOKIE } from './signed-cookie.ts';

/** What `/admin` answers when its sign-in is not configured: one sentence. */
export const NOT_CONFIGURED = 'The Trellis admin console is not configured on this server: set ADMIN_OIDC_ISSUER, ADMIN_OIDC_CLIENT_ID, ADMIN_OIDC_CLIENT_SECRET, ADMIN_OIDC_REDIRECT_URL and ADMIN_SESSION_SECRET (see docs/admin.md).';

/** A roster file as uploaded (5 MB is far more than a trust's staff list), and as carried, base64, to the apply step. */
const ROSTER_LIMIT = 5 * 1024 * 1024;
const FORM_LIMIT = 64 * 1024;
/** The pages that take a file, and so a larger body. */
const UPLOADS = new Set(['/roster/preview', '/roster/apply', '/policy/check', '/policy/apply', '/terms/check', '/terms/apply']);

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export interface AdminRoutesOptions {
  console: AdminConsole;
  config: AdminConsoleConfig | undefined;
  /** The live sessions the signed cookies name. */
  sessions: AdminSessions;
  /** Sign-in starts and callbacks per client address (SIGN_IN_LIMIT a window). */
  limiter: AttemptLimiter;
  clock: Clock;
  log: Logger;
  /** The "Add to Slack" link, when Slack's OAuth install is configured. */
  slackInstallUrl?: string | undefined;
}

/** Sign-in starts, and callbacks, each allowed per client address in a window: far above a person signing in, far below a script guessing. */
export const SIGN_IN_LIMIT = 20;
export const SIGN_IN_WINDOW_SECONDS = 10 * 60;

/**
 * The admin console at `/admin`: server-rendered pages and plain forms (no script), signed in
 * through OpenID Connect. A channel-like edge: it reads requests and renders what `AdminConsole`
 * returns; who may see which school is decided there. Every POST must come from the console's own
 * origin and carry the session's CSRF token.
 */
export function adminRoutes(options: AdminRoutesOptions): Route[] {
  const { config } = options;
  if (config === undefined) {
    const handle = (_request: IncomingMessage, response: ServerResponse) => {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${NOT_CONFIGURED}\n`);
    };
    return [{ method: 'ANY', path: '/admin/*', handle }];
  }
  const handler = new AdminHandler(options, config);
  return [{ method: 'ANY', path: '/admin/*', handle: (request, response) => handler.handle(request, response) }];
}

class AdminHandler {
  readonly #console: AdminConsole;
  readonly #config: AdminConsoleConfig;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #cookies: CookieSigner;
  readonly #oidc: OidcSignIn;
  readonly #origin: string;
  readonly #sessions: AdminSessions;
  readonly #limiter: AttemptLimiter;
  readonly #slackInstallUrl: string | undefined;

  constructor(options: AdminRoutesOptions, config: AdminConsoleConfig) {
    this.#console = options.console;
    this.#sessions = options.sessions;
    this.#limiter = options.limiter;
    this.#slackInstallUrl = options.slackInstallUrl;
    this.#config = config;
    this.#clock = options.clock;
    this.#log = options.log;
    const redirect = new URL(config.redirectUrl);
    this.#origin = redirect.origin;
    this.#cookies = new CookieSigner(config.sessionSecret, redirect.protocol === 'https:');
    this.#oidc = new OidcSignIn(config);
  }

  #now(): number {
    return Math.floor(this.#clock.now().getTime() / 1000);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/admin', this.#origin);
    const path = url.pathname.replace(/\/+$/, '') || '/admin';
    const method = request.method ?? 'GET';
    if (method === 'GET' && path === '/admin/admin.css') return send(response, 200, STYLESHEET, 'text/css; charset=utf-8');
    if (method === 'GET' && (path === '/admin/sign-in' || path === '/admin/callback')) {
      const step = path === '/admin/sign-in' ? 'sign-in' : 'callback';
      const outcome = await this.#limiter.attempt(`${step}:${clientAddress(request, this.#config.trustedProxies)}`, this.#clock.now());
      if (!outcome.allowed) {
        this.#log.warn('admin console: sign-in rate limit reached', { step });
        response.setHeader('retry-after', String(outcome.retryAfterSeconds));
        return sendPage(response, 429, messagePage('Too many sign-in attempts', `There have been too many sign-in attempts from your network. Wait ${Math.ceil(outcome.retryAfterSeconds / 60)} minute(s), then try again.`));
      }
      return step === 'sign-in' ? this.#beginSignIn(response) : this.#finishSignIn(request, response, url);
    }
    const session = await this.#liveSession(request, response);
    if (method === 'POST') {
      const refused = this.#crossSite(request);
      if (refused !== undefined || session === undefined) return sendPage(response, 403, messagePage('Not allowed', refused ?? 'You are not signed in (or your session has ended): sign in again, then repeat what you were doing.'));
    }
    if (session === undefined) {
      if (method === 'GET' && path === '/admin') return sendPage(response, 200, signInPage(url.searchParams.has('signed-out') ? 'You are signed out.' : undefined));
      return redirect(response, '/admin');
    }
    const viewer: Viewer = { email: session.email, csrf: this.#cookies.csrfToken(session) };
    try {
      await this.#signedIn(request, response, method, path, url, session, viewer);
    } catch (error) {
      if (error instanceof NotAdministeredError) return sendPage(response, 404, messagePage('Not found', 'There is no such school among the schools you administer.', viewer));
      throw error;
    }
  }

  async #signedIn(request: IncomingMessage, response: ServerResponse, method: string, path: string, url: URL, session: AdminSession, viewer: Viewer): Promise<void> {
    if (method === 'POST' && path === '/admin/sign-out') {
      const form = await this.#form(request, response, session, FORM_LIMIT);
      if (form === undefined) return;
      await this.#sessions.end(session.id, session.email, this.#clock.now());
      response.setHeader('set-cookie', this.#cookies.clear(SESSION_COOKIE));
      return redirect(response, '/admin?signed-out');
    }
    if (path === '/admin/sessions' && (method === 'GET' || method === 'POST')) {
      let status: string | undefined;
      if (method === 'POST') {
        const form = await this.#form(request, response, session, FORM_LIMIT);
        if (form === undefined) return;
        const id = String(form.get('id') ?? '');
        if (id === session.id) {
          await this.#sessions.end(session.id, session.email, this.#clock.now());
          response.setHeader('set-cookie', this.#cookies.clear(SESSION_COOKIE));
          return redirect(response, '/admin?signed-out');
        }
        status = (await this.#sessions.end(id, session.email, this.#clock.now())) ? 'That session has ended: the browser it was in is signed out.' : 'That session had already ended.';
      }
      return sendPage(response, 200, sessionsPage(viewer, session.id, await this.#sessions.liveFor(session.email, this.#clock.now()), status));
    }
    if (method === 'GET' && path === '/admin') {
      const schools = await this.#console.schoolsFor(session.email);
      if (schools.length === 0) return sendPage(response, 403, notAdministrator(session.email, viewer));
      return sendPage(response, 200, schoolsPage(viewer, schools));
    }
    // A school's slug is lower-case letters, digits and dashes (SLUG_PATTERN), so nothing needs decoding.
    const match = /^\/admin\/schools\/([a-z0-9][a-z0-9-]{0,62})(\/[a-z-]+(?:\/[a-z]+)?)?$/.exec(path);
    if (match === null) return sendPage(response, 404, messagePage('Not found', 'There is no such page in the admin console.', viewer));
    const slug = match[1]!;
    const page = match[2] ?? '';
    const email = session.email;
    addLogContext({ school: slug });
    if (method === 'GET') {
      switch (page) {
        case '':
          return sendPage(response, 200, overviewPage(viewer, await this.#console.overview(email, slug)));
        case '/reach': {
          const { school, report } = await this.#console.reach(email, slug);
          return sendPage(response, 200, reachPage(viewer, school, report));
        }
        case '/deliveries': {
          const { school, entries } = await this.#console.deadLetters(email, slug);
          return sendPage(response, 200, deliveriesPage(viewer, school, entries));
        }
        case '/access-requests': {
          const { school, waiting } = await this.#console.accessRequests(email, slug);
          return sendPage(response, 200, accessRequestsPage(viewer, school, waiting));
        }
        case '/roster': {
          const school = await this.#console.school(email, slug);
          return sendPage(response, 200, rosterUploadPage(viewer, school));
        }
        case '/reminders': {
          const { school, window } = await this.#console.reminderWindow(email, slug);
          return sendPage(response, 200, reminderWindowPage(viewer, school, window));
        }
        case '/policy':
          return sendPage(response, 200, policyPage(viewer, await this.#console.policy(email, slug)));
        case '/chat': {
          const { school, bindings, managesTrust } = await this.#console.chatWorkspaces(email, slug);
          return sendPage(response, 200, chatWorkspacesPage(viewer, school, bindings, managesTrust, this.#slackInstallUrl));
        }
        case '/admins': {
          const { school, administrators, managesTrust } = await this.#console.administrators(email, slug);
          return sendPage(response, 200, administratorsPage(viewer, school, administrators, managesTrust));
        }
        case '/terms': {
          const asked = url.searchParams.get('year');
          const year = asked !== null && /^20\d\d$/.test(asked) ? Number(asked) : undefined;
          const { school, academicYear, months, shipped } = await this.#console.calendar(email, slug, year);
          return sendPage(response, 200, termDatesPage(viewer, school, academicYear, months, shipped));
        }
      }
    }
    if (method === 'POST') {
      const form = await this.#form(request, response, session, UPLOADS.has(page) ? Math.ceil(ROSTER_LIMIT * 1.4) : FORM_LIMIT);
      if (form === undefined) return;
      switch (page) {
        case '/admins': {
          const typed = String(form.get('email') ?? '');
          const level = form.get('level') === 'trust' ? 'trust' : 'school';
          let outcome: { status: string } | { problem: string; typed?: string };
          if (form.get('action') === 'remove') {
            const removed = await this.#console.removeAdministrator(email, slug, typed, level);
            if (removed.ok && removed.value.self) {
              // Their own sessions ended with the grant: this browser is signed out too.
              response.setHeader('set-cookie', this.#cookies.clear(SESSION_COOKIE));
              return redirect(response, '/admin?signed-out');
            }
            outcome = removed.ok ? { status: removed.value.message } : { problem: removed.problem };
          } else {
            const added = await this.#console.addAdministrator(email, slug, typed, level);
            outcome = added.ok ? { status: added.value } : { problem: added.problem, typed };
          }
          const { school, administrators, managesTrust } = await this.#console.administrators(email, slug);
          return sendPage(response, 'problem' in outcome ? 400 : 200, administratorsPage(viewer, school, administrators, managesTrust, outcome));
        }
        case '/chat': {
          const platform = form.get('platform') === 'teams' ? 'teams' : 'slack';
          const typed = String(form.get('id') ?? '');
          const level = form.get('level') === 'trust' ? 'trust' : 'school';
          const outcome =
            form.get('action') === 'remove' ? await this.#console.removeChatWorkspace(email, slug, platform, typed, level) : await this.#console.recordChatWorkspace(email, slug, platform, typed, level);
          const { school, bindings, managesTrust } = await this.#console.chatWorkspaces(email, slug);
          const shown = outcome.ok ? { status: outcome.value } : { problem: outcome.problem, field: outcome.field, typed: form.get('action') === 'remove' ? '' : typed };
          return sendPage(response, outcome.ok ? 200 : 400, chatWorkspacesPage(viewer, school, bindings, managesTrust, this.#slackInstallUrl, shown));
        }
        case '/deliveries': {
          const ids = form.getAll('id').filter((id): id is string => typeof id === 'string');
          const resent = await this.#console.resend(email, slug, ids);
          const { school, entries } = await this.#console.deadLetters(email, slug);
          const status = ids.length === 0 ? 'Tick the deliveries to resend first.' : `${resent.length} ${resent.length === 1 ? 'delivery was' : 'deliveries were'} queued again; Trellis sends ${resent.length === 1 ? 'it' : 'them'} within moments.`;
          return sendPage(response, 200, deliveriesPage(viewer, school, entries, status));
        }
        case '/reminders': {
          const typed = String(form.get('window') ?? '');
          const outcome = await this.#console.setReminderWindow(email, slug, typed);
          const { school, window } = await this.#console.reminderWindow(email, slug);
          return sendPage(response, outcome.ok ? 200 : 400, reminderWindowPage(viewer, school, window, outcome.ok ? { saved: true } : { problem: outcome.problem, typed }));
        }
        case '/roster/preview': {
          const given = givenMappingOf(form);
          const upload = await rosterFileOf(form);
          if (upload === undefined) {
            const school = await this.#console.school(email, slug);
            return sendPage(response, 400, rosterUploadPage(viewer, school, 'Choose a roster file (CSV or .xlsx) to upload.'));
          }
          if (upload.bytes.length > ROSTER_LIMIT) {
            const school = await this.#console.school(email, slug);
            return sendPage(response, 413, rosterUploadPage(viewer, school, 'The file is larger than 5 MB: a staff list is far smaller. Check it is the right file.'));
          }
          const { school, preview, columns } = await this.#console.previewRoster(email, slug, upload.bytes, given);
          const carry = { name: upload.name, base64: Buffer.from(upload.bytes).toString('base64'), given };
          if (!preview.ok) {
            if (columns === undefined || columns.header.length === 0) return sendPage(response, 400, rosterUploadPage(viewer, school, `${upload.name}: ${preview.fileProblem} Nothing was loaded.`));
            // The file was read: choosing its columns is the next step of the upload, not a failed request.
            // The import's message ends with the command line's advice (--map): here the picker below is the way.
            const problem = preview.fileProblem.replace(/ (If they are there under other names, map them|Give its columns) with --map field=column,….$/, '');
            return sendPage(response, 200, rosterColumnsPage(viewer, school, carry, columns, `${upload.name}: ${problem} Choose below which column holds each of Trellis's fields.`));
          }
          return sendPage(response, 200, rosterPreviewPage(viewer, school, preview, carry, columns ?? { header: [], chosen: {} }));
        }
        case '/policy/check': {
          const choice = await policyChoiceOf(form);
          if (choice === undefined) return sendPage(response, 400, policyPage(viewer, await this.#console.policy(email, slug), 'Choose a preset or a policy file to check.'));
          const { school, check } = await this.#console.checkPolicy(email, slug, choice.choice);
          return sendPage(response, check.ok ? 200 : 400, policyCheckPage(viewer, school, check, choice.carry));
        }
        case '/policy/apply': {
          const preset = form.get('preset');
          const choice: PolicyChoice = typeof preset === 'string' ? { preset } : { text: Buffer.from(String(form.get('file') ?? ''), 'base64').toString('utf8'), fileName: String(form.get('name') ?? 'policy') };
          const { school, result } = await this.#console.applyPolicy(email, slug, choice);
          if (!result.ok) return sendPage(response, 400, policyPage(viewer, await this.#console.policy(email, slug), result.problem));
          return sendPage(response, 200, policyAppliedPage(viewer, school, result.value.source, result.value.obligations));
        }
        case '/terms/check': {
          const source = await termDatesSourceOf(form);
          if (source === undefined) {
            const { school, academicYear, months, shipped } = await this.#console.calendar(email, slug);
            return sendPage(response, 400, termDatesPage(viewer, school, academicYear, months, shipped, 'Choose a term dates file to check.'));
          }
          const { school, check } = await this.#console.checkTermDates(email, slug, source.source);
          return sendPage(response, check.ok ? 200 : 400, termDatesCheckPage(viewer, school, check, source.carry));
        }
        case '/terms/apply': {
          const shippedName = form.get('shipped');
          const source: TermDatesSource = typeof shippedName === 'string' ? { shipped: shippedName } : { text: Buffer.from(String(form.get('file') ?? ''), 'base64').toString('utf8'), fileName: String(form.get('name') ?? 'terms') };
          const { school, result } = await this.#console.applyTermDates(email, slug, source);
          if (!result.ok) {
            const { academicYear, months, shipped } = await this.#console.calendar(email, slug);
            return sendPage(response, 400, termDatesPage(viewer, school, academicYear, months, shipped, result.problem));
          }
          return sendPage(response, 200, termDatesAppliedPage(viewer, school, termDatesFileName(source), result.value));
        }
        case '/roster/apply': {
          const bytes = Buffer.from(String(form.get('file') ?? ''), 'base64');
          const leavers = form.get('leavers') === 'mark' ? 'mark' : 'list';
          const { school, result } = await this.#console.applyRoster(email, slug, bytes, givenMappingOf(form), leavers);
          if (!result.ok) return sendPage(response, 400, rosterUploadPage(viewer, school, `${String(form.get('name') ?? 'The file')}: ${result.fileProblem} Nothing was loaded.`));
          this.#log.info('admin console: roster applied', { loaded: result.loaded, problems: result.problems.length });
          return sendPage(response, 200, rosterAppliedPage(viewer, school, result));
        }
      }
    }
    return sendPage(response, 404, messagePage('Not found', 'There is no such page in the admin console.', viewer));
  }

  async #beginSignIn(response: ServerResponse): Promise<void> {
    let begun: Awaited<ReturnType<OidcSignIn['begin']>>;
    try {
      begun = await this.#oidc.begin(this.#now());
    } catch (error) {
      this.#log.warn('admin console: the identity provider could not be reached', { error: error instanceof Error ? error.message : String(error) });
      return sendPage(response, 502, messagePage('Sign-in is unavailable', 'Trellis could not reach your identity provider to sign you in. Try again in a minute; if it persists, tell whoever runs Trellis.'));
    }
    response.setHeader('set-cookie', this.#cookies.cookie(SIGN_IN_COOKIE, begun.pending, this.#now()));
    return redirect(response, begun.url.href);
  }

  async #finishSignIn(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const pending = this.#cookies.read(request, SIGN_IN_COOKIE, this.#now(), isPendingSignIn);
    const clearPending = this.#cookies.clear(SIGN_IN_COOKIE);
    if (pending === undefined) {
      response.setHeader('set-cookie', clearPending);
      return sendPage(response, 400, messagePage('Sign-in failed', 'This sign-in was not started here or has expired: start again from the sign-in page.'));
    }
    let claims: Record<string, unknown>;
    try {
      claims = await this.#oidc.finish(new URL(`${this.#config.redirectUrl}${url.search}`), pending);
    } catch (error) {
      if (!(error instanceof SignInFailed)) throw error;
      this.#log.warn('admin console: sign-in refused', { reason: error.message });
      response.setHeader('set-cookie', clearPending);
      return sendPage(response, 400, messagePage('Sign-in failed', 'The sign-in could not be checked (it may have been tampered with or have expired): start again from the sign-in page.'));
    }
    const email = verifiedEmailOf(claims);
    if (email === undefined) {
      response.setHeader('set-cookie', clearPending);
      return sendPage(response, 403, messagePage('Not allowed', 'Your identity provider did not confirm a verified e-mail address for you, which is how Trellis knows its administrators.'));
    }
    const schools = await this.#console.schoolsFor(email);
    if (schools.length === 0) {
      this.#log.warn('admin console: sign-in by someone who administers no school');
      response.setHeader('set-cookie', clearPending);
      return sendPage(response, 403, notAdministrator(email));
    }
    const session: AdminSession = { email, expires: this.#now() + SESSION_SECONDS, id: newSessionId() };
    const agent = request.headers['user-agent'];
    await this.#sessions.start({ id: session.id, email, createdAt: this.#clock.now(), expiresAt: new Date(session.expires * 1000), userAgent: agent === undefined ? undefined : agent.slice(0, 200) });
    response.setHeader('set-cookie', [clearPending, this.#cookies.cookie(SESSION_COOKIE, session, this.#now())]);
    this.#log.info('admin console: signed in', { schools: schools.length });
    return redirect(response, '/admin');
  }

  /** The session the signed cookie names, while it is live in `admin_sessions` (signing out or a removed grant ends it); a dead one's cookie is cleared. */
  async #liveSession(request: IncomingMessage, response: ServerResponse): Promise<AdminSession | undefined> {
    const session = this.#cookies.read(request, SESSION_COOKIE, this.#now(), isSession);
    if (session === undefined) return undefined;
    if ((await this.#sessions.live(session.id, this.#clock.now())) !== undefined) return session;
    response.setHeader('set-cookie', this.#cookies.clear(SESSION_COOKIE));
    return undefined;
  }

  /** Why a POST is refused as cross-site, or undefined: its Origin (when sent) must be the console's own. */
  #crossSite(request: IncomingMessage): string | undefined {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== this.#origin) return 'This form was sent from another site, so Trellis did not act on it.';
    const site = request.headers['sec-fetch-site'];
    if (origin === undefined && site !== undefined && site !== 'same-origin' && site !== 'none') return 'This form was sent from another site, so Trellis did not act on it.';
    return undefined;
  }

  /** The POST's form (urlencoded or multipart), when its CSRF token is the session's; otherwise the refusal is sent and undefined returned. */
  async #form(request: IncomingMessage, response: ServerResponse, session: AdminSession, limit: number): Promise<FormData | undefined> {
    const body = await readBody(request, limit);
    if (body === undefined) {
      sendPage(response, 413, messagePage('Too large', 'What was sent is too large.'));
      return undefined;
    }
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded' } }).formData();
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      sendPage(response, 400, messagePage('Not understood', 'The form could not be read: send it again from its page.'));
      return undefined;
    }
    const token = form.get('csrf');
    if (!this.#cookies.checkCsrf(session, typeof token === 'string' ? token : undefined)) {
      sendPage(response, 403, messagePage('Not allowed', 'This form has expired or did not come from the admin console: open the page again and repeat what you were doing.'));
      return undefined;
    }
    return form;
  }
}

/** The policy chosen on the policy page's forms, and what the confirmation form carries to the second step. */
async function policyChoiceOf(form: FormData): Promise<{ choice: PolicyChoice; carry: { preset: string } | { base64: string; name: string } } | undefined> {
  const preset = form.get('preset');
  if (form.get('kind') === 'preset' && typeof preset === 'string') return { choice: { preset }, carry: { preset } };
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) return undefined;
  const bytes = Buffer.from(await file.arrayBuffer());
  return { choice: { text: bytes.toString('utf8'), fileName: file.name }, carry: { base64: bytes.toString('base64'), name: file.name } };
}

/** The roster file of a preview: uploaded, or carried (base64, with its name) from the column picker. */
async function rosterFileOf(form: FormData): Promise<{ name: string; bytes: Uint8Array } | undefined> {
  const file = form.get('file');
  if (file instanceof File) return file.size === 0 ? undefined : { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  if (typeof file !== 'string' || file === '') return undefined;
  return { name: String(form.get('name') ?? 'roster'), bytes: new Uint8Array(Buffer.from(file, 'base64')) };
}

/** The mapping given with a roster form: the column picker's selects (`column-FIELD`, and `column-full_name-2`), else a typed `mapping`, else none. */
function givenMappingOf(form: FormData): GivenMapping {
  if ([...form.keys()].some((key) => key.startsWith('column-'))) {
    const columns: Partial<Record<RosterField, string[]>> = {};
    for (const field of ROSTER_FIELDS) {
      const picked = [form.get(`column-${field}`), form.get(`column-${field}-2`)].filter((value): value is string => typeof value === 'string' && value !== '');
      if (picked.length > 0) columns[field] = picked;
    }
    return { columns };
  }
  const text = form.get('mapping');
  return typeof text === 'string' && text.trim() !== '' ? { text } : undefined;
}

/** The term dates chosen on the term dates page (a shipped file by name, or an upload), and what the confirmation form carries. */
async function termDatesSourceOf(form: FormData): Promise<{ source: TermDatesSource; carry: TermDatesCarry } | undefined> {
  const shipped = form.get('shipped');
  if (form.get('kind') === 'shipped' && typeof shipped === 'string') return { source: { shipped }, carry: { shipped } };
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) return undefined;
  const bytes = Buffer.from(await file.arrayBuffer());
  return { source: { text: bytes.toString('utf8'), fileName: file.name }, carry: { name: file.name, base64: bytes.toString('base64') } };
}

/**
 * The client's address for rate limiting: the connection's, or with `trustedProxies` proxies in
 * front (each appending to X-Forwarded-For), the address the outermost trusted one saw.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: number): string {
  const own = request.socket.remoteAddress ?? 'unknown';
  if (trustedProxies === 0) return own;
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((hop) => hop.trim()).filter((hop) => hop !== '');
  return hops[hops.length - trustedProxies] ?? hops[0] ?? own;
}

function notAdministrator(email: string, viewer?: Viewer): string {
  return messagePage('Not an administrator', `You are signed in as ${email}, who is not an administrator of any school in Trellis. Ask whoever runs Trellis to add you (trellis admins add ${email} --school SCHOOL).`, viewer);
}

function sendPage(response: ServerResponse, status: number, body: string): void {
  send(response, status, body, 'text/html; charset=utf-8');
}

function send(response: ServerResponse, status: number, body: string, contentType: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { ...SECURITY_HEADERS, location });
  response.end();
}
