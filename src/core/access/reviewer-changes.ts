import type { KnownPerson, ReplyContext } from '../bot/bot-ports.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { say } from '../conversations/engine/outgoing-message.ts';
import { staffingStatus } from '../people/staffing-status.ts';
import { readableDate } from '../reports/readable-date.ts';
import type { PeopleFacts, Requested, ReviewerChangeRecord, ReviewerChangeStore } from './access-ports.ts';
import { type AccessOutcome, pickOne, requestCode } from './access-requests.ts';
import { decidesRequestsAbout, relationshipsOn, type SubjectFacts } from './relationships.ts';
import { keyNotifications, savedReplyOf } from '../notifications/notification-queue.ts';

const reply = (text: string): AccessOutcome => ({ messages: [say(text)] });

/** What everyone concerned is told when a reviewer is replaced (002 §29): the cycle carries on. */
export const CYCLE_CARRIES_ON = 'The cycle carries on: nothing already done is redone, and what was still open passes to the new reviewer';

/** The reason a replacement reviewer assignment carries; anything but `roster` outranks the roster's reviewer and survives re-imports. */
export const REPLACEMENT_REASON = 'replacement on request';

/**
 * Asking for another reviewer (002 §27, 004 §3.10): where the policy allows it, a reviewee asks in
 * writing with reasons; it goes to the head (002 §27) or the nominated officer (004 §3.10: the PM
 * deputy, flagged `pm-deputy`), never to the reviewer it is about. They grant it by naming the new
 * reviewer — a replacement reviewer assignment, which `relationshipsOn` ranks first — or decline
 * it with a reason the reviewee is told in writing. The cycle does not begin again (002 §29,
 * `changingReviewerRestartsCycle`): what is done stays, and what the old reviewer still owed for
 * the reviewee passes to the new one.
 */
export class ReviewerChanges {
  readonly #facts: PeopleFacts;
  readonly #store: ReviewerChangeStore;

  constructor(deps: { facts: PeopleFacts; store: ReviewerChangeStore }) {
    this.#facts = deps.facts;
    this.#store = deps.store;
  }

  /** `change-reviewer REASON`. */
  async request(reviewee: KnownPerson, text: string, now: Date, saved?: ReplyContext): Promise<AccessOutcome> {
    const [facts] = await this.#facts.factsOf([reviewee.id]);
    const rules = facts?.reviewerChanges;
    if (facts === undefined || rules?.revieweeMayRequestChange !== true) return reply('Your school’s policy does not provide for asking for a different reviewer, so there is nothing to ask for. Please talk to your line manager.');
    const reason = text.trim();
    if (reason === '') return reply(`Please give your reasons, e.g. \`change-reviewer we work in different key stages\`: the policy asks for a written request stating them.`);
    const today = londonDateOf(now);
    const relationships = relationshipsOn(facts, today);
    const reviewerId = relationships.reviewer?.id;
    const deciders = [relationships.headId, ...relationships.deputyIds].filter((id): id is string => id !== undefined && id !== reviewee.id && id !== reviewerId);
    if (deciders.length === 0) return reply('There is no one at your school on the staff list who can decide this (the head, or the deputy the head named), so I can’t send the request. Please ask your Trellis administrator.');
    const ask = (request: ReviewerChangeRecord) => {
      const code = requestCode(request);
      const about = request.reviewerName === undefined ? 'has no reviewer yet and asks for one' : `asks for their reviewer, ${request.reviewerName}, to be replaced`;
      return say(
        `${reviewee.fullName} ${about}, because: “${reason}”. Say \`replace-reviewer ${code} NAME\` to name the new reviewer, or \`keep-reviewer ${code} REASON\` to decline; ${reviewee.fullName} will be told either way, with your reason if you decline.`,
      );
    };
    // The deciders are asked in the transaction that saves the request, through the durable queue.
    const notify = (request: ReviewerChangeRecord) => keyNotifications(`reviewer-change:${request.id}:asked`, deciders.map((personId) => ({ personId, messages: [ask(request)] })));
    // Two copies of the request arriving together make one request: the second is answered like the first.
    const answer = ({ request, waitingAlready }: Requested<ReviewerChangeRecord>) => [
      say(
        waitingAlready
          ? `Your request for a different reviewer, made ${readableDate(londonDateOf(request.requestedAt), today)}, is with the head to decide; I haven’t sent it again. You will be told what is decided, and why if it is declined.`
          : `Your request for a different reviewer has gone to the head to decide. You will be told what is decided, and why if it is declined. ${request.reviewerName ?? 'Your reviewer'} is not told your reasons.`,
      ),
    ];
    const requested = await this.#store.create({ revieweeId: reviewee.id, reviewerId, reason, at: now, notify, reply: (made) => savedReplyOf(saved, answer(made)) });
    return { messages: answer(requested), replyKey: saved?.key };
  }

  /** `reviewer-requests`: what is waiting for the head or the PM deputy. */
  async pending(decider: KnownPerson, now: Date): Promise<AccessOutcome> {
    const mine = await this.#decidable(decider, now);
    if (mine.length === 0) return reply('No requests for a different reviewer are waiting for you.');
    const today = londonDateOf(now);
    const lines = mine.map(({ request }) => `• \`${requestCode(request)}\` — ${request.revieweeName} asks to replace ${request.reviewerName ?? 'no reviewer'}: “${request.reason}” (asked ${readableDate(londonDateOf(request.requestedAt), today)})`);
    return reply(`Requests for a different reviewer:\n${lines.join('\n')}\nSay \`replace-reviewer CODE NAME\` or \`keep-reviewer CODE REASON\`.`);
  }

  /** `replace-reviewer CODE NAME`: grants the request, naming the new reviewer. */
  async grant(decider: KnownPerson, code: string, name: string, now: Date, saved?: ReplyContext): Promise<AccessOutcome> {
    const found = (await this.#decidable(decider, now)).find(({ request }) => requestCode(request) === code.trim().toUpperCase());
    if (found === undefined) return reply(`There is no request \`${code}\` waiting for you. Say \`reviewer-requests\` to see those that are.`);
    const { request, subject } = found;
    if (name.trim() === '') return reply(`Please name the new reviewer, e.g. \`replace-reviewer ${code} Rita Reviewer\`.`);
    const chosen = pickOne(await this.#facts.namedInSchoolOf(decider.id, name), name);
    if (chosen === undefined) return reply(`I can’t find one colleague called “${name.trim()}” at your school. Please give their full name.`);
    if (chosen.person.id === request.revieweeId) return reply(`${request.revieweeName} cannot review themselves; please name someone else.`);
    if (chosen.person.id === request.reviewerId) return reply(`${chosen.person.fullName} is the reviewer the request is about; to keep them, say \`keep-reviewer ${code} REASON\`.`);
    const rules = subject.reviewerChanges;
    const rule = rules?.rule ?? '002 §27–29';
    const today = londonDateOf(now);
    const tooJunior = await replacementBelowRequiredStatus(this.#facts, subject, request, chosen);
    if (tooJunior !== undefined) return reply(tooJunior);
    // The policy's changingReviewerRestartsCycle is false in every policy the format accepts
    // (002 §29): the grant hands over what is open and leaves the cycle and its records as they are.
    const carriesOn = CYCLE_CARRIES_ON;
    const newName = chosen.person.fullName;
    const notifications = [
      { personId: request.revieweeId, messages: [say(`${decider.fullName} agreed to your request: ${newName} is your reviewer from ${readableDate(today, today)}. ${carriesOn}.`)] },
      { personId: chosen.person.id, messages: [say(`${decider.fullName} has made you ${request.revieweeName}’s reviewer from ${readableDate(today, today)}, in place of ${request.reviewerName ?? 'no one'}. ${carriesOn}: say \`status\` to see what is due.`)] },
    ];
    if (request.reviewerId !== undefined) notifications.push({ personId: request.reviewerId, messages: [say(`${newName} is ${request.revieweeName}’s reviewer from ${readableDate(today, today)}; what you still had open for them has passed to ${newName}.`)] });
    const notify = keyNotifications(`reviewer-change:${request.id}:granted`, notifications);
    const messages = [say(`Done: ${newName} reviews ${request.revieweeName} from today. ${carriesOn}. Everyone concerned has been told.`)];
    const granted = await this.#store.grant(request.id, { decidedById: decider.id, newReviewerId: chosen.person.id, at: now, on: today, reason: `${REPLACEMENT_REASON} (${rule})`, notify, reply: savedReplyOf(saved, messages) });
    if (!granted) return reply('That request was decided a moment ago by someone else; nothing was changed.');
    return { messages, replyKey: saved?.key };
  }

  /** `keep-reviewer CODE REASON`: declines the request; the reviewee is told the reason in writing (004 §3.10). */
  async decline(decider: KnownPerson, code: string, reason: string, now: Date, saved?: ReplyContext): Promise<AccessOutcome> {
    const found = (await this.#decidable(decider, now)).find(({ request }) => requestCode(request) === code.trim().toUpperCase());
    if (found === undefined) return reply(`There is no request \`${code}\` waiting for you. Say \`reviewer-requests\` to see those that are.`);
    const note = reason.trim();
    if (note === '') return reply(`Please give the reason for declining, e.g. \`keep-reviewer ${code} the concern can be met by a second observer\`; ${found.request.revieweeName} is told it in writing.`);
    const notify = keyNotifications(`reviewer-change:${found.request.id}:declined`, [
      { personId: found.request.revieweeId, messages: [say(`${decider.fullName} considered your request for a different reviewer and did not uphold it, because: “${note}”.`)] },
    ]);
    const messages = [say(`Declined. ${found.request.revieweeName} has been told your reason.`)];
    const declined = await this.#store.decline(found.request.id, { decidedById: decider.id, at: now, note, notify, reply: savedReplyOf(saved, messages) });
    if (!declined) return reply('That request was decided a moment ago by someone else; nothing was changed.');
    return { messages, replyKey: saved?.key };
  }

  /** Waiting requests the person may decide: as the head of the reviewee's school or the PM deputy, never their own nor one about them. */
  async #decidable(decider: KnownPerson, now: Date): Promise<{ request: ReviewerChangeRecord; subject: SubjectFacts }[]> {
    const waiting = await this.#store.pending(decider.schoolId);
    const facts = new Map((await this.#facts.factsOf(waiting.map((r) => r.revieweeId))).map((f) => [f.person.id, f]));
    const today = londonDateOf(now);
    return waiting.flatMap((request) => {
      const subject = facts.get(request.revieweeId);
      if (subject === undefined || request.revieweeId === decider.id || request.reviewerId === decider.id) return [];
      return decidesRequestsAbout(decider.id, relationshipsOn(subject, today)) ? [{ request, subject }] : [];
    });
  }
}

/**
 * 002 §28: a replacement who is not the reviewee's line manager must have an equivalent or higher
 * status in the staffing structure than the line manager (with none on the roster, than the
 * reviewer being replaced). The plain refusal, or undefined when the choice stands. The one check,
 * for a granted request (002 §27) and for the head's own decision after a move (002 §35).
 */
export async function replacementBelowRequiredStatus(
  facts: PeopleFacts,
  subject: SubjectFacts,
  request: Pick<ReviewerChangeRecord, 'revieweeName' | 'reviewerId'>,
  chosen: SubjectFacts,
): Promise<string | undefined> {
  const required = subject.reviewerChanges?.replacementStatusAtLeastLineManager;
  const lineManagerId = subject.person.lineManagerId;
  if (required === undefined || chosen.person.id === lineManagerId || chosen.person.id === subject.headIds[0]) return undefined;
  const measureId = lineManagerId ?? request.reviewerId;
  if (measureId === undefined) return undefined;
  const [measure] = await facts.factsOf([measureId]);
  if (measure === undefined) return undefined;
  const theirs = staffingStatus(chosen.person);
  const needed = staffingStatus(measure.person);
  if (theirs.rank >= needed.rank) return undefined;
  const whose = measureId === lineManagerId ? `${request.revieweeName}’s line manager, ${measure.person.fullName}` : `the reviewer being replaced, ${measure.person.fullName}`;
  return `${chosen.person.fullName} can’t be ${request.revieweeName}’s reviewer: a replacement reviewer must have an equivalent or higher status in the staffing structure than ${whose} (${needed.name}), and the staff list has ${chosen.person.fullName} as ${theirs.name}. Please name someone of at least that status, the line manager, or the head.`;
}
