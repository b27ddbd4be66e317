import type { KnownPerson, ReplyContext } from '../bot/bot-ports.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { type OutgoingMessage, say } from '../conversations/engine/outgoing-message.ts';
import { keyNotifications, savedReplyOf } from '../notifications/notification-queue.ts';
import { readableDate } from '../reports/readable-date.ts';
import type { ReportReads } from '../reports/report-ports.ts';
import { academicYearOf } from '../time/clock.ts';
import type { AccessGuard } from './access-guard.ts';
import type { AccessRequestRecord, AccessRequestStore, PeopleFacts, Requested } from './access-ports.ts';
import { decidesRequestsAbout, relationshipsOn, type SubjectFacts } from './relationships.ts';

/** What the person asking is told; the messages for other people (the head asked to decide, the requester and reviewee told) are queued with the change. */
export interface AccessOutcome {
  messages: OutgoingMessage[];
  /** The reply was saved with the change (given `saved`): its key. */
  replyKey?: string | undefined;
}

/** How long a grant lasts unless the head says otherwise, and the longest it may be. */
export const DEFAULT_GRANT_DAYS = 30;
const MAX_GRANT_DAYS = 365;
const DAY_MS = 86_400_000;

const reply = (text: string): AccessOutcome => ({ messages: [say(text)] });

/** The short code a head types to decide a request: the end of its id. */
export function requestCode(request: Pick<AccessRequestRecord, 'id'>): string {
  return request.id.replace(/-/g, '').slice(-6).toUpperCase();
}

function matchesName(fullName: string, wanted: string): boolean {
  const name = fullName.toLowerCase();
  const query = wanted.trim().replace(/^@/, '').toLowerCase();
  return query !== '' && (name === query || name.split(/\s+/)[0] === query);
}

/**
 * Access on request (002 §18): a line manager who is not the reviewer asks to see a reviewee's
 * plan with a reason; the head or the PM deputy grants it for a period or refuses it; the
 * reviewee is told who asked, who decided and for how long; the grant expires by itself. The plan
 * is then read through the one access rule, which logs it.
 */
export class AccessRequests {
  readonly #facts: PeopleFacts;
  readonly #store: AccessRequestStore;
  readonly #guard: AccessGuard;
  readonly #reads: ReportReads;

  constructor(deps: { facts: PeopleFacts; store: AccessRequestStore; guard: AccessGuard; reads: ReportReads }) {
    this.#facts = deps.facts;
    this.#store = deps.store;
    this.#guard = deps.guard;
    this.#reads = deps.reads;
  }

  /** `request-access NAME: REASON`. */
  async request(requester: KnownPerson, text: string, now: Date, saved?: ReplyContext): Promise<AccessOutcome> {
    const [name = '', ...rest] = text.split(':');
    const reason = rest.join(':').trim();
    if (name.trim() === '' || reason === '') return reply('Please say whose plan and why, e.g. `request-access Tess Teacher: to plan her timetable support`: the head is told the reason.');
    const today = londonDateOf(now);
    const managed = (await this.#facts.candidatesFor(requester.id)).filter((f) => f.person.active && f.person.lineManagerId === requester.id);
    const subject = pickOne(managed, name);
    if (subject === undefined) return reply(`I can’t find “${name.trim()}” among the people you line-manage. Only a line manager may ask to see a plan.`);
    const relationships = relationshipsOn(subject, today);
    if (subject.confidentiality?.lineManagerAccessOnRequest !== true) return reply(`Your school’s policy does not provide for line managers to see plans on request, so there is nothing to ask for.`);
    if (relationships.reviewer?.id === requester.id) return reply(`You are ${subject.person.fullName}’s reviewer, so you can already see their plan — say \`agree\` when they send it.`);
    const deciders = [relationships.headId, ...relationships.deputyIds].filter((id): id is string => id !== undefined && id !== requester.id && id !== subject.person.id);
    if (deciders.length === 0) return reply('Your school has no headteacher on the staff list to decide this, so I can’t send the request. Please ask your Trellis administrator.');
    const ask = (code: string) =>
      say(
        `${requester.fullName} (line manager) asks to see ${subject.person.fullName}’s growth plan, because: “${reason}”. Say \`grant ${code}\` to grant it for ${DEFAULT_GRANT_DAYS} days (or \`grant ${code} 10\` for 10), or \`refuse ${code} REASON\`. ${subject.person.fullName} will be told either way.`,
      );
    // Two copies of the request arriving together make one request: the second is answered like the first.
    const answer = ({ request, waitingAlready }: Requested<AccessRequestRecord>) => [
      say(
        waitingAlready
          ? `Your request to see ${subject.person.fullName}’s plan, made ${readableDate(londonDateOf(request.requestedAt), today)}, is with the head to decide; I haven’t sent it again. ${subject.person.fullName} will be told who asked and what was decided.`
          : `Your request to see ${subject.person.fullName}’s plan has gone to the head to decide. ${subject.person.fullName} will be told who asked and what was decided.`,
      ),
    ];
    const requested = await this.#store.create({
      requesterId: requester.id,
      subjectId: subject.person.id,
      reason,
      at: now,
      notify: (request) => keyNotifications(`access:${request.id}:asked`, deciders.map((personId) => ({ personId, messages: [ask(requestCode(request))] }))),
      reply: (made) => savedReplyOf(saved, answer(made)),
    });
    return { messages: answer(requested), replyKey: saved?.key };
  }

  /** `access-requests`: what is waiting for the head or PM deputy. */
  async pending(decider: KnownPerson, now: Date): Promise<AccessOutcome> {
    const mine = await this.#decidable(decider, now);
    if (mine.length === 0) return reply('No requests to see a plan are waiting for you.');
    const lines = mine.map(({ request }) => `• \`${requestCode(request)}\` — ${request.requesterName} asks to see ${request.subjectName}’s plan: “${request.reason}” (asked ${readableDate(londonDateOf(request.requestedAt), londonDateOf(now))})`);
    return reply(`Requests to see a plan:\n${lines.join('\n')}\nSay \`grant CODE [days]\` or \`refuse CODE REASON\`.`);
  }

  /** `grant CODE [DAYS]` or `refuse CODE REASON`. */
  async decide(decider: KnownPerson, decision: 'granted' | 'refused', code: string, rest: string, now: Date, saved?: ReplyContext): Promise<AccessOutcome> {
    const found = (await this.#decidable(decider, now)).find(({ request }) => requestCode(request) === code.trim().toUpperCase());
    if (found === undefined) return reply(`There is no request \`${code}\` waiting for you. Say \`access-requests\` to see those that are.`);
    const { request, subject } = found;
    const today = londonDateOf(now);
    let expiresAt: Date | undefined;
    let note: string | undefined;
    if (decision === 'granted') {
      const days = rest.trim() === '' ? DEFAULT_GRANT_DAYS : Number(rest.trim().split(/\s+/)[0]);
      if (!Number.isInteger(days) || days < 1 || days > MAX_GRANT_DAYS) return reply(`Please give the number of days the access lasts, from 1 to ${MAX_GRANT_DAYS}, e.g. \`grant ${code} 30\`.`);
      expiresAt = new Date(now.getTime() + days * DAY_MS);
    } else {
      note = rest.trim();
      if (note === '') return reply(`Please give the reason for refusing, e.g. \`refuse ${code} the reviewer can share what is needed\`; the line manager is told it.`);
    }
    const until = expiresAt === undefined ? '' : readableDate(londonDateOf(expiresAt), today);
    const toRequester =
      decision === 'granted'
        ? `${decider.fullName} granted you access to ${request.subjectName}’s growth plan until ${until}. Say \`see-plan ${request.subjectName}\` to read it; ${request.subjectName} has been told.`
        : `${decider.fullName} refused your request to see ${request.subjectName}’s growth plan: “${note}”.`;
    const toReviewee =
      decision === 'granted'
        ? `${request.requesterName}, your line manager, asked to see your growth plan, because: “${request.reason}”. ${decider.fullName} granted it until ${until}. You can see every time it is read with \`who-has-seen\`.`
        : `${request.requesterName}, your line manager, asked to see your growth plan, because: “${request.reason}”. ${decider.fullName} refused it.`;
    const tellReviewee = subject.confidentiality?.tellRevieweeWhoWasGrantedAccess === true;
    const notifications = [{ personId: request.requesterId, messages: [say(toRequester)] }, ...(tellReviewee ? [{ personId: request.subjectId, messages: [say(toReviewee)] }] : [])];
    const notify = keyNotifications(`access:${request.id}:${decision}`, notifications);
    const done = decision === 'granted' ? `Granted until ${until}.` : 'Refused.';
    const messages = [say(`${done} ${request.requesterName} and ${request.subjectName} have been told.`)];
    const decided = await this.#store.decide(request.id, { status: decision, decidedById: decider.id, at: now, expiresAt, note, notify, reply: savedReplyOf(saved, messages) });
    if (!decided) return reply('That request was decided a moment ago by someone else; nothing was changed.');
    if (tellReviewee) await this.#store.markNotified(request.id, now);
    return { messages, replyKey: saved?.key };
  }

  /** `see-plan NAME`: a colleague's plan, read through the access rule (a grant, or as reviewer, head, PM deputy…) and logged. */
  async seePlan(viewer: KnownPerson, name: string, now: Date): Promise<AccessOutcome> {
    const subject = pickOne(await this.#facts.namedInSchoolOf(viewer.id, name), name);
    if (subject === undefined || subject.person.id === viewer.id) return reply(`I can’t find one colleague called “${name.trim()}” at your school. Say \`status\` for your own plan.`);
    const [read] = await this.#guard.read(viewer.id, [subject.person.id], 'growth-plan', now);
    if (read === undefined || !read.decision.allowed) return reply(`You can’t see ${subject.person.fullName}’s plan: ${read !== undefined && !read.decision.allowed ? read.decision.why : 'no rule allows it'}.`);
    const cycle = await this.#reads.cycleOf(subject.person.id, academicYearOf(londonDateOf(now)));
    if (cycle?.plan === undefined) return reply(`${subject.person.fullName} has no growth plan this year yet.`);
    return {
      messages: [{ type: 'summary', title: `${subject.person.fullName}’s growth plan (${cycle.plan.status.replace(/-/g, ' ')})`, items: cycle.plan.goals.map((goal, i) => ({ label: `Goal ${i + 1}`, value: goal })) }, say('This read is recorded in their “who has seen my records” log.')],
    };
  }

  /** Waiting requests the person may decide: as the head of the reviewee's school or the PM deputy, never their own. */
  async #decidable(decider: KnownPerson, now: Date): Promise<{ request: AccessRequestRecord; subject: SubjectFacts }[]> {
    const waiting = await this.#store.pending(decider.schoolId);
    const facts = new Map((await this.#facts.factsOf(waiting.map((r) => r.subjectId))).map((f) => [f.person.id, f]));
    const today = londonDateOf(now);
    return waiting.flatMap((request) => {
      const subject = facts.get(request.subjectId);
      if (subject === undefined || request.requesterId === decider.id || request.subjectId === decider.id) return [];
      return decidesRequestsAbout(decider.id, relationshipsOn(subject, today)) ? [{ request, subject }] : [];
    });
  }
}

/** The one colleague among `people` whose full or first name is `name`; none when it names nobody or several. */
export function pickOne(people: readonly SubjectFacts[], name: string): SubjectFacts | undefined {
  const matches = [...new Map(people.filter((f) => matchesName(f.person.fullName, name)).map((f) => [f.person.id, f])).values()];
  return matches.length === 1 ? matches[0] : undefined;
}
