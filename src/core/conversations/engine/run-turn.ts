import { londonDateOf } from '../../calendar/london-time.ts';
import type { IsoDate } from '../../calendar/iso-date.ts';
import { type Policy, PolicySchema } from '../../policy/policy-schema.ts';
import type { Clock } from '../../time/clock.ts';
import type { ConversationStore, ConversationTransaction, DialogPerson, StoredConversation, ThreadRef, TurnReadAhead } from '../conversation-ports.ts';
import { keyNotifications, replyKey, type Told, toldOf, turnCause } from '../../notifications/notification-queue.ts';
import { type Command, FORM_CHOICE, inputText, parseCommand } from './commands.ts';
import type { DialogDefinition, DialogEnv, Notification, OpenDialog } from './define-dialog.ts';
import { type DialogState, type DiscardAction, parseDialogState, resolveStep, SUMMARY_STEP } from './dialog-state.ts';
import { type InboundTurn, InboundTurnSchema, platformName, type TurnInput } from './inbound-turn.ts';
import { type FormField, type OutgoingMessage, ask, say } from './outgoing-message.ts';
import { isQuickRepeat, rememberAnswer } from './quick-repeat.ts';
import { whyThisQuestion } from './why-this-question.ts';
import type { Step } from './step.ts';

/**
 * What a turn gives back to the channel in front of the person: only what to show them. What it
 * tells other people was queued in the turn's transaction (`ConversationTransaction.notifications`)
 * and is delivered by the job engine, so channels never see it.
 */
export interface TurnResult {
  messages: OutgoingMessage[];
  /** True when this message id was already handled: nothing was changed and nothing should be sent. */
  duplicate: boolean;
  /** Where the thread stands after the turn, for logs and channels that show progress. */
  conversation?: { dialogId: string; step: string; status: DialogState['status'] } | undefined;
  /** A submitted form's refused fields: field id → why. The rest of the form was saved. */
  fieldErrors?: Record<string, string> | undefined;
  /**
   * The key of the reply queued in the turn's transaction (when the turn said where to reply):
   * the channel sends `messages` carrying it and then reports them sent (`TrellisBot.replied`);
   * if it never does, the job engine delivers them.
   */
  replyKey?: string | undefined;
  /** Who else the turn told (their messages queued in its transaction), for the channel to know of (`notified` effects). */
  notified?: readonly Told[] | undefined;
}

export interface EngineOptions {
  store: ConversationStore;
  clock: Clock;
  dialogs: readonly DialogDefinition[];
}

const COMMANDS_HELP =
  'Any time: `back` (previous question), `skip` (where allowed), `edit <answer>`, `pause` (carry on later with `resume`), `restart`, `cancel`, `help`. `log <note>` adds to your growth diary.';

/** A dialog about a colleague starts by naming them; drafts are one per colleague, not one per dialog. */
const COLLEAGUE_STEP = 'colleague';
const YES = /^(yes|y|yes,? discard( them)?|discard)$/i;
const NO = /^(no|n|no,? keep( them)?|keep( them)?)$/i;

/** The diary's one-liner works even in the middle of another dialog (issue: "a one-line entry any time"). */
const DIARY_DIALOG_ID = 'growth-diary';
const LOG_PATTERN = /^log\s+(\S[\s\S]*)$/i;

/** Everything one turn works with. */
interface Turn {
  tx: ConversationTransaction;
  thread: ThreadRef;
  env: DialogEnv;
  input: TurnInput;
  /** The colleague named when starting a dialog. */
  target: string | undefined;
  out: OutgoingMessage[];
  notifications: Notification[];
  /** The dialog opened on this turn, whose `shown` logs what its questions showed. */
  opened?: OpenDialog | undefined;
  fieldErrors?: Record<string, string> | undefined;
}

export const NOT_YOUR_THREAD = 'That conversation isn’t yours, so I’ve left it as it was. Type `help` to see what you can start.';

/**
 * The conversation engine: takes one channel-neutral turn, applies it to the thread's dialog and
 * returns what to say. Each turn is one transaction (inbound marker + state + records), so a
 * process that dies mid-conversation loses nothing and a retried delivery is applied once.
 * Engines hold no conversation state, so any number of them may serve the same database.
 */
export class ConversationEngine {
  readonly #store: ConversationStore;
  readonly #clock: Clock;
  readonly #dialogs: ReadonlyMap<string, DialogDefinition>;
  readonly #policies = new Map<string, Policy>();

  constructor(options: EngineOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#dialogs = new Map(options.dialogs.map((dialog) => [dialog.id, dialog]));
  }

  /**
   * One message applied as one turn; `opensThread` when it starts a dialog in a thread the channel
   * has just opened; `readAhead`, the turn's first read made with the look-up of who speaks, for the store.
   */
  handle(inbound: InboundTurn, options: { opensThread?: boolean; readAhead?: TurnReadAhead | undefined } = {}): Promise<TurnResult> {
    const turnInput = InboundTurnSchema.parse(inbound);
    return this.#store.transaction(async (tx) => {
      const now = this.#clock.now();
      const opened = await tx.openTurn({ ...turnInput, today: londonDateOf(now) });
      if (!opened.claimed) return { messages: [], duplicate: true };
      const thread: ThreadRef = { tenant: turnInput.tenant, threadKey: turnInput.threadKey, platform: turnInput.platform, personId: turnInput.personId };
      const { result, state } = await this.#apply(tx, turnInput, thread, now, opened.person, opened.conversation);
      const { replyTo } = turnInput;
      // The reply is saved with the turn (and in the same statement as its state): whatever happens to the send after the commit, it is not lost.
      const key = replyTo === undefined || result.messages.length === 0 ? undefined : replyKey(turnCause(turnInput));
      const reply =
        replyTo === undefined || key === undefined
          ? undefined
          : { key, personId: turnInput.personId, account: { platform: turnInput.platform, tenant: turnInput.tenant, userId: replyTo.userId }, place: { conversation: replyTo.conversation, thread: replyTo.thread }, messages: result.messages };
      await tx.saveTurn(thread, state, reply, this.#clock.now());
      return key === undefined ? result : { ...result, replyKey: key };
    }, options);
  }

  /** Applies the turn; the thread's new state (if any) is returned for `saveTurn` to write with the reply. */
  async #apply(
    tx: ConversationTransaction,
    turnInput: InboundTurn,
    thread: ThreadRef,
    now: Date,
    person: DialogPerson | undefined,
    row: StoredConversation | undefined,
  ): Promise<{ result: TurnResult; state?: DialogState | undefined }> {
    if (person === undefined) {
      return { result: { messages: [say('I can’t find you on your school’s staff list yet. Please ask your Trellis administrator to add you.')], duplicate: false } };
    }
    const policy = this.#policyOf(person);
    if (policy === undefined) {
      return { result: { messages: [say('Your school’s growth policy can’t be read at the moment, so I can’t start anything. Please tell your Trellis administrator.')], duplicate: false } };
    }
    const turn: Turn = {
      tx,
      thread,
      env: { person, policy, today: londonDateOf(now), now, reads: tx.reads },
      input: turnInput.input,
      target: turnInput.target,
      out: [],
      notifications: [],
    };
    // A thread belongs to whoever opened it: a forged thread key, or a button naming someone
    // else's thread, is answered and changes nothing (the state is not even re-saved).
    if (row?.personId !== undefined && row.personId !== turnInput.personId) return { result: { messages: [say(NOT_YOUR_THREAD)], duplicate: false } };
    const stored = row === undefined ? undefined : parseDialogState(row);
    const live = stored !== undefined && (stored.status === 'active' || stored.status === 'paused') ? stored : undefined;
    const dialog = live === undefined ? undefined : this.#dialogs.get(live.dialogId);
    const movedAway = stored?.status === 'moved' && this.#findTrigger(inputText(turn.input)) === undefined ? stored : undefined;
    if (movedAway !== undefined) {
      const title = this.#dialogs.get(movedAway.dialogId)?.title.toLowerCase() ?? 'conversation';
      turn.out.push(say(`Your ${title} carries on in the thread where you last started it — reply there. (Type \`${this.#dialogs.get(movedAway.dialogId)?.triggers[0] ?? 'help'}\` here to bring it back to this thread.)`));
      return { result: { messages: turn.out, duplicate: false, conversation: undefined } };
    }
    const state = live !== undefined && dialog !== undefined ? await this.#continue(turn, dialog, live) : await this.#idle(turn);
    if (state !== undefined && state.status !== 'cancelled') await turn.opened?.shown?.(state.values);
    // Keyed by the inbound message: a turn delivered again was claimed above and queues nothing twice.
    await tx.notifications.queue(keyNotifications(turnCause(turnInput), turn.notifications), now);
    return {
      result: {
        messages: turn.out,
        duplicate: false,
        conversation: state === undefined ? undefined : { dialogId: state.dialogId, step: state.step, status: state.status },
        ...(turn.fieldErrors === undefined ? {} : { fieldErrors: turn.fieldErrors }),
        ...(turn.notifications.length === 0 ? {} : { notified: turn.notifications.map(toldOf) }),
      },
      state,
    };
  }

  /** Nothing active in the thread: start a dialog, or explain what can be started. */
  async #idle(turn: Turn): Promise<DialogState | undefined> {
    const text = inputText(turn.input);
    const match = this.#findTrigger(text);
    if (match === undefined) {
      const command = parseCommand(turn.input);
      if (command?.kind !== 'help' && text !== '') {
        const waiting = await this.#waitingElsewhere(turn, command?.kind);
        if (waiting !== 'nothing') return waiting === 'pointed' ? undefined : waiting;
      }
      if (command?.kind !== 'help') turn.out.push(say('I didn’t catch that.'));
      turn.out.push(this.#menu());
      return undefined;
    }
    const opened = await match.dialog.open(turn.env);
    if ('unavailable' in opened) {
      turn.out.push(say(opened.unavailable));
      return undefined;
    }
    turn.opened = opened;
    const aboutColleague = opened.steps({})[0]?.name === COLLEAGUE_STEP;
    if (turn.target !== undefined && !aboutColleague) {
      const named = turn.target.replace(/^@/, '');
      turn.out.push(
        say(`I can’t start a ${match.dialog.title.toLowerCase()} about ${named}: you don’t review, coach or line-manage anyone on your school’s staff list. Say \`${match.dialog.triggers[0]}\` on its own for your own.`),
      );
      return undefined;
    }
    if (match.rest === '' && !aboutColleague) {
      const draft = await this.#takeDraft(turn, match.dialog);
      if (draft !== undefined) return this.#resumeDraft(turn, match.dialog, opened, draft);
    }
    const state: DialogState = { dialogId: match.dialog.id, version: match.dialog.version, step: '', values: {}, trail: [], status: 'active' };
    if (opened.resume !== undefined) {
      state.values = { ...opened.resume.values };
      state.trail = Object.keys(state.values);
      turn.out.push(...opened.resume.messages);
      return this.#goTo(turn, opened, state, SUMMARY_STEP);
    }
    turn.out.push(...opened.intro);
    const first = opened.steps(state.values)[0];
    if (first === undefined) return this.#finish(turn, opened, state);
    state.step = first.name;
    if (match.rest !== '') return this.#answer(turn, opened, state, first, { kind: 'text', text: match.rest });
    if (turn.target !== undefined) return this.#answer(turn, opened, state, first, { kind: 'choice', value: turn.target });
    this.#reask(turn, opened, state);
    return state;
  }

  async #continue(turn: Turn, dialog: DialogDefinition, stored: DialogState): Promise<DialogState | undefined> {
    const opened = await dialog.open(turn.env);
    if ('unavailable' in opened) {
      turn.out.push(say(`${opened.unavailable} I’ve closed your ${dialog.title.toLowerCase()} here.`));
      return { ...stored, status: 'cancelled' };
    }
    turn.opened = opened;
    const steps = opened.steps(stored.values);
    const previous = stored.lastAnswer;
    const state: DialogState = {
      ...stored,
      // Remembered for one message only: whatever comes next replaces or forgets it.
      lastAnswer: undefined,
      version: dialog.version,
      step: resolveStep(stored.step, steps.map((s) => s.name), stored.values, dialog.formerStepNames ?? {}),
    };
    const log = LOG_PATTERN.exec(inputText(turn.input));
    if (log !== null && dialog.id !== DIARY_DIALOG_ID && turn.input.kind === 'text') {
      await this.#logInline(turn, log[1]!);
      if (state.status === 'active') this.#reask(turn, opened, state);
      return state;
    }
    if (state.confirming !== undefined) {
      const reply = inputText(turn.input);
      const action = state.confirming;
      const settled: DialogState = { ...state, confirming: undefined };
      if (YES.test(reply)) return this.#discard(turn, dialog, opened, settled, action);
      if (NO.test(reply)) {
        turn.out.push(say('Kept — your answers are all still here.'));
        if (settled.status === 'active') this.#reask(turn, opened, settled);
        else turn.out.push(say(`Say \`resume\` when you’re ready to carry on with your ${dialog.title.toLowerCase()}.`));
        return settled;
      }
      // Anything else is an answer as usual; the question about discarding lapses.
      return this.#continue(turn, dialog, settled);
    }
    const again = this.#findTrigger(inputText(turn.input));
    if (again?.dialog.id === dialog.id && again.rest === '' && turn.input.kind === 'text') {
      // Typing `reflect` inside the reflection: where was I?
      const resumed: DialogState = { ...state, status: 'active' };
      turn.out.push(say(this.#whereYouWere(dialog, opened, resumed)));
      this.#reask(turn, opened, resumed, true);
      return resumed;
    }
    const command = parseCommand(turn.input);
    if (command?.kind === 'cancel' || command?.kind === 'restart') return this.#askBeforeDiscarding(turn, dialog, opened, state, command.kind);
    const step = steps.find((s) => s.name === state.step);
    if (command?.kind === 'why') {
      turn.out.push(say(whyThisQuestion(turn.env.policy, dialog, opened, step)));
      if (state.status === 'paused') turn.out.push(say(`Say \`resume\` when you’re ready to carry on with your ${dialog.title.toLowerCase()}.`));
      else this.#reask(turn, opened, state);
      return state;
    }
    if (state.status === 'paused') return this.#whilePaused(turn, dialog, opened, state, command?.kind);
    switch (command?.kind) {
      case 'help':
        turn.out.push(say(`${opened.help}\n${COMMANDS_HELP}`));
        this.#reask(turn, opened, state);
        return state;
      case 'pause':
        turn.out.push(say(`Paused — your answers so far are saved. Say \`resume\` in this thread when you’re ready to carry on with your ${dialog.title.toLowerCase()}.`));
        return { ...state, status: 'paused' };
      case 'resume':
        this.#reask(turn, opened, state, true);
        return state;
      case 'form':
        this.#sendForm(turn, opened, state, step);
        return state;
      case 'back':
        return this.#back(turn, opened, state);
      case 'edit':
        return this.#edit(turn, opened, state, command.target);
      case 'skip':
        if (step === undefined) {
          turn.out.push(say('There’s nothing to skip here.'));
          this.#reask(turn, opened, state);
          return state;
        }
        if (!step.optional) {
          turn.out.push(say(step.required ?? 'This one can’t be skipped — a short answer is fine.'));
          turn.out.push(...step.ask(state.values));
          return state;
        }
        return this.#record(turn, opened, state, step.name, null);
      case 'submit':
        if (step === undefined) return this.#finish(turn, opened, state);
        break;
      case undefined:
        break;
    }
    if (turn.input.kind === 'form') return this.#applyForm(turn, opened, state, turn.input.values);
    if (step === undefined) {
      if (/^(yes|y|send( it)?)$/i.test(inputText(turn.input))) return this.#finish(turn, opened, state);
      turn.out.push(say('Say `submit` to send it, `edit` and an answer’s name to change it, or `cancel`.'));
      return state;
    }
    if (turn.input.kind === 'text' && isQuickRepeat(previous, turn.input.text, turn.env.now)) {
      turn.out.push(say('Got it already — that was the same as your last answer, so I haven’t recorded it twice.'));
      // Still remembered, so a third copy in the window is caught too.
      return { ...state, lastAnswer: previous };
    }
    return this.#answer(turn, opened, state, step, turn.input);
  }

  async #whilePaused(turn: Turn, dialog: DialogDefinition, opened: OpenDialog, state: DialogState, command: string | undefined): Promise<DialogState | undefined> {
    if (command === 'resume') {
      const resumed: DialogState = { ...state, status: 'active' };
      turn.out.push(say(`Welcome back — carrying on with your ${dialog.title.toLowerCase()}.`));
      this.#reask(turn, opened, resumed, true);
      return resumed;
    }
    // A form (a card or modal opened before the pause, or still open in the playground) carries
    // its answers: they are applied as they would be in an active dialog, which carries on. Had
    // the policy closed the dialog since, `dialog.open` said so plainly before we got here.
    if (turn.input.kind === 'form') return this.#applyForm(turn, opened, { ...state, status: 'active' }, turn.input.values);
    turn.out.push(say(`Your ${dialog.title.toLowerCase()} is paused in this thread. Say \`resume\` to carry on, or \`cancel\` to discard it.`));
    return state;
  }

  /**
   * `cancel` and `restart` throw answers away: with more than one answer given, they ask first
   * (a slip of the keyboard should not cost someone twenty minutes of reflection).
   */
  #askBeforeDiscarding(turn: Turn, dialog: DialogDefinition, opened: OpenDialog, state: DialogState, action: DiscardAction): Promise<DialogState | undefined> | DialogState {
    const answered = Object.keys(state.values).length;
    if (answered <= 1) return this.#discard(turn, dialog, opened, state, action);
    const what = action === 'cancel' ? `cancel your ${dialog.title.toLowerCase()}` : `start your ${dialog.title.toLowerCase()} again`;
    turn.out.push(
      ask(`You’ve given ${answered} answers so far. Discard them and ${what}?`, [
        { label: 'Yes, discard them', value: 'yes' },
        { label: 'No, keep them', value: 'no' },
      ]),
    );
    return { ...state, confirming: action };
  }

  #discard(turn: Turn, dialog: DialogDefinition, opened: OpenDialog, state: DialogState, action: DiscardAction): Promise<DialogState | undefined> | DialogState {
    if (action === 'cancel') {
      turn.out.push(say(`Cancelled your ${dialog.title.toLowerCase()}. Nothing was submitted.`));
      return { ...state, status: 'cancelled' };
    }
    const first = opened.steps({})[0];
    const fresh: DialogState = { ...state, values: {}, trail: [], status: 'active', step: first?.name ?? SUMMARY_STEP };
    turn.out.push(say(`Starting your ${dialog.title.toLowerCase()} again from the first question.`));
    if (first === undefined) return this.#finish(turn, opened, fresh);
    turn.out.push(...first.ask(fresh.values));
    return fresh;
  }

  /**
   * The person's live draft of this dialog in another thread, if any, on any platform they use:
   * it moves to this thread (the one they are looking at) and the old thread is marked `moved`,
   * so there is only ever one live copy of each draft and starting again never throws answers
   * away. A draft begun on another platform says where it came from.
   */
  async #takeDraft(turn: Turn, dialog: DialogDefinition, colleague?: string): Promise<DialogState | undefined> {
    const found = await turn.tx.findLiveDraft(turn.thread, dialog.id, colleague);
    const draft = found === undefined ? undefined : parseDialogState(found.conversation);
    if (found === undefined || draft === undefined) return undefined;
    await turn.tx.saveConversation(found.thread, { ...draft, status: 'moved', confirming: undefined });
    if (found.thread.platform !== turn.thread.platform) turn.out.push(say(`_You started this ${dialog.title.toLowerCase()} in ${platformName(found.thread.platform)}; it carries on here._`));
    return draft;
  }

  #resumeDraft(turn: Turn, dialog: DialogDefinition, opened: OpenDialog, draft: DialogState): DialogState {
    const steps = opened.steps(draft.values);
    const state: DialogState = {
      ...draft,
      version: dialog.version,
      status: 'active',
      confirming: undefined,
      step: resolveStep(draft.step, steps.map((s) => s.name), draft.values, dialog.formerStepNames ?? {}),
    };
    turn.out.push(say(this.#whereYouWere(dialog, opened, state)));
    this.#reask(turn, opened, state, true);
    return state;
  }

  /**
   * Words that start nothing, in a thread with no dialog (a reply under the wrong message), while
   * the person has dialogs under way elsewhere: with one waiting for an answer (or one to `resume`)
   * it comes here and takes them; with several, one line says so instead of the whole menu.
   * Undefined when nothing waits.
   */
  async #waitingElsewhere(turn: Turn, command: Command['kind'] | undefined): Promise<DialogState | 'pointed' | 'nothing'> {
    const drafts = (await turn.tx.findLiveDrafts(turn.thread)).flatMap((found) => {
      const state = parseDialogState(found.conversation);
      const dialog = state === undefined ? undefined : this.#dialogs.get(state.dialogId);
      return state === undefined || dialog === undefined ? [] : [{ threadKey: found.threadKey, state, dialog }];
    });
    if (drafts.length === 0) return 'nothing';
    const candidates = command === 'resume' ? drafts : drafts.filter((d) => d.state.status === 'active');
    // An answer, or `resume`; other commands (`cancel`, `back`…) belong in the dialog's own thread.
    if (candidates.length === 1 && (command === undefined || command === 'resume')) {
      const { threadKey, state, dialog } = candidates[0]!;
      await turn.tx.saveConversation({ ...turn.thread, threadKey }, { ...state, status: 'moved', confirming: undefined });
      turn.out.push(say(`_Carrying on with your ${dialog.title.toLowerCase()} here._`));
      return (await this.#continue(turn, dialog, state)) ?? state;
    }
    const names = (candidates.length === 0 ? drafts : candidates).map((d) => d.dialog.title.toLowerCase());
    const where = names.length === 1 ? 'its thread' : 'the thread of the one you mean';
    turn.out.push(
      say(
        candidates.length === 0
          ? `Your ${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} paused — say \`resume\` in ${where} to carry on, or \`help\` for what I can do.`
          : `You have ${names.length} ${names.length === 1 ? 'conversation' : 'conversations'} waiting (${names.join(', ')}) — please reply in ${where}, or say \`help\` for what I can do.`,
      ),
    );
    return 'pointed';
  }

  /** "You were on question 4 of 9 — carry on, or say `restart`." */
  #whereYouWere(dialog: DialogDefinition, opened: OpenDialog, state: DialogState): string {
    const steps = opened.steps(state.values);
    const at = steps.findIndex((s) => s.name === state.step);
    const title = dialog.title.toLowerCase();
    if (at < 0) return `Your ${title} is all answered and kept — check it and submit, or say \`restart\`.`;
    return `You were on question ${at + 1} of ${steps.length} of your ${title}; your answers are kept — carry on, or say \`restart\`.`;
  }

  async #answer(turn: Turn, opened: OpenDialog, state: DialogState, step: Step, input: TurnInput): Promise<DialogState | undefined> {
    const accepted = step.accept(input, state.values, { today: turn.env.today });
    if (!accepted.ok) {
      turn.out.push(say(accepted.error));
      turn.out.push(...step.ask(state.values));
      return state;
    }
    const next = await this.#record(turn, opened, state, step.name, accepted.value);
    if (next === undefined || input.kind !== 'text') return next;
    return { ...next, lastAnswer: rememberAnswer(step, input.text, turn.env.now) };
  }

  /**
   * Stores an answer and moves to the first step still unanswered. "First unanswered" rather
   * than "next in order" means that after `back` or `edit` one answer is corrected and the
   * person lands where they were, and that a branch opened by an answer is asked at once.
   */
  async #record(turn: Turn, opened: OpenDialog, state: DialogState, name: string, value: DialogState['values'][string]): Promise<DialogState | undefined> {
    const dialog = this.#dialogs.get(state.dialogId);
    if (name === COLLEAGUE_STEP && typeof value === 'string' && state.trail.length === 0 && dialog !== undefined) {
      // The colleague just named: an unfinished draft about them carries on here instead.
      const draft = await this.#takeDraft(turn, dialog, value);
      if (draft !== undefined) return this.#resumeDraft(turn, dialog, opened, draft);
    }
    const values = { ...state.values, [name]: value };
    const trail = [...state.trail.filter((n) => n !== name), name];
    const next = opened.steps(values).find((s) => !(s.name in values));
    return this.#goTo(turn, opened, { ...state, values, trail }, next?.name ?? SUMMARY_STEP);
  }

  async #goTo(turn: Turn, opened: OpenDialog, state: DialogState, step: string, offerForm = false): Promise<DialogState | undefined> {
    if (step === SUMMARY_STEP && !opened.confirm) return this.#finish(turn, opened, state);
    const moved = { ...state, step };
    this.#reask(turn, opened, moved, offerForm);
    return moved;
  }

  #back(turn: Turn, opened: OpenDialog, state: DialogState): DialogState {
    const steps = opened.steps(state.values);
    const reachable = state.trail.filter((name) => name !== state.step && steps.some((s) => s.name === name));
    const previous = reachable.at(-1);
    if (previous === undefined) {
      turn.out.push(say('This is the first question.'));
      this.#reask(turn, opened, state);
      return state;
    }
    const moved = { ...state, step: previous, trail: state.trail.filter((name) => name !== previous) };
    this.#reask(turn, opened, moved);
    return moved;
  }

  #edit(turn: Turn, opened: OpenDialog, state: DialogState, target: string): DialogState {
    const steps = opened.steps(state.values);
    const reached = steps.filter((s) => s.name in state.values || s.name === state.step);
    const wanted = target.trim().toLowerCase();
    const found =
      wanted === ''
        ? undefined
        : (reached.find((s) => s.name === wanted || s.name === wanted.replace(/\s+/g, '-') || s.label.toLowerCase() === wanted) ??
          reached.find((s) => s.label.toLowerCase().startsWith(wanted) || s.name.startsWith(wanted.replace(/\s+/g, '-'))) ??
          reached.find((s) => s.label.toLowerCase().includes(wanted)));
    if (found === undefined) {
      const names = reached.map((s) => `“${s.label}”`).join(', ');
      turn.out.push(say(wanted === '' ? `Which answer? You can edit: ${names}.` : `I can’t find “${target}” among your answers. You can edit: ${names}.`));
      this.#reask(turn, opened, state);
      return state;
    }
    const moved = { ...state, step: found.name };
    this.#reask(turn, opened, moved);
    return moved;
  }

  /**
   * The current step's section as one form: every question of the section, answered ones filled
   * in. `typed` and `errors` carry a refused submission back, so nothing typed is lost.
   */
  #sectionForm(opened: OpenDialog, values: DialogState['values'], step: Step, typed: Record<string, string> = {}, errors: Record<string, string> = {}): OutgoingMessage | undefined {
    const section = step.section;
    if (section === undefined) return undefined;
    const fields: FormField[] = opened.steps(values).flatMap((s) => {
      if (s.section?.id !== section.id || s.field === undefined) return [];
      const stored = values[s.name];
      const value = typed[s.name] ?? (stored === undefined || stored === null ? undefined : s.field.prefill(stored));
      return [{ id: s.name, label: s.field.label, kind: s.field.kind, required: !s.optional, choices: s.field.choices, hint: s.field.hint, maxLength: s.field.maxLength, value, error: errors[s.name] }];
    });
    return fields.length === 0 ? undefined : { type: 'form', title: section.title, fields, section: section.id };
  }

  #sendForm(turn: Turn, opened: OpenDialog, state: DialogState, step: Step | undefined): void {
    const form = step === undefined ? undefined : this.#sectionForm(opened, state.values, step);
    if (form === undefined) {
      turn.out.push(say('This question is answered here in the chat.'));
      this.#reask(turn, opened, state);
      return;
    }
    turn.out.push(form);
  }

  /**
   * A section form submitted: each field is answered as if typed, in the dialog's order, through
   * the step's own validation. Accepted answers are saved; refused ones come back on the form
   * with what was typed, so nothing is lost and nothing is half-recorded.
   */
  #applyForm(turn: Turn, opened: OpenDialog, state: DialogState, submitted: Record<string, string>): Promise<DialogState | undefined> | DialogState {
    let values = { ...state.values };
    let trail = [...state.trail];
    const errors: Record<string, string> = {};
    const seen = new Set<string>();
    let firstStep: Step | undefined;
    for (;;) {
      const step = opened.steps(values).find((s) => s.name in submitted && !seen.has(s.name) && s.field !== undefined);
      if (step === undefined) break;
      seen.add(step.name);
      firstStep ??= step;
      const raw = submitted[step.name] ?? '';
      let answer: DialogState['values'][string];
      if (raw.trim() === '') {
        if (!step.optional) {
          errors[step.name] = step.required ?? 'Please fill this in.';
          continue;
        }
        answer = null;
      } else {
        const accepted = step.accept({ kind: 'text', text: raw }, values, { today: turn.env.today });
        if (!accepted.ok) {
          errors[step.name] = accepted.error;
          continue;
        }
        answer = accepted.value;
      }
      values = { ...values, [step.name]: answer };
      trail = [...trail.filter((n) => n !== step.name), step.name];
    }
    if (firstStep === undefined) {
      turn.out.push(say('That form doesn’t match where this conversation is any more, so nothing was saved from it.'));
      this.#reask(turn, opened, state);
      return state;
    }
    const next = opened.steps(values).find((s) => !(s.name in values))?.name ?? SUMMARY_STEP;
    const saved = seen.size - Object.keys(errors).length;
    if (Object.keys(errors).length > 0) {
      turn.fieldErrors = errors;
      const count = Object.keys(errors).length;
      turn.out.push(say(`${count === 1 ? 'One answer needs' : `${count} answers need`} another look${saved > 0 ? ` — the other ${saved} ${saved === 1 ? 'is' : 'are'} saved` : ''}.`));
      const form = this.#sectionForm(opened, values, firstStep, submitted, errors);
      if (form !== undefined) turn.out.push(form);
      return { ...state, values, trail, step: next };
    }
    turn.out.push(say(`Saved ${saved === 1 ? 'your answer' : `all ${saved} answers`} from the form.`));
    // A section that grew ("add another goal? yes") is offered as a form again.
    return this.#goTo(turn, opened, { ...state, values, trail }, next, true);
  }

  /** Asks the current step again (showing the answer being changed), or shows the summary. */
  #reask(turn: Turn, opened: OpenDialog, state: DialogState, offerForm = false): void {
    const steps = opened.steps(state.values);
    const step = steps.find((s) => s.name === state.step);
    if (step === undefined) {
      turn.out.push({ type: 'summary', title: opened.summaryTitle, items: summaryItems(steps, state, turn.env.today) });
      turn.out.push(
        ask(`Is this ready to submit? To change an answer say \`edit\` and its name from the list, e.g. \`edit ${steps[0]?.label ?? 'answer'}\`.`, [
          { label: 'Submit', value: 'submit' },
          { label: 'Cancel', value: 'cancel' },
        ]),
      );
      return;
    }
    const current = state.values[step.name];
    if (current !== undefined) turn.out.push(say(`Your answer so far: ${current === null ? '(skipped)' : step.show(current, turn.env.today)}`));
    const offer = this.#formOffer(state, step, steps, offerForm);
    if (offer !== undefined) turn.out.push(offer);
    turn.out.push(...step.ask(state.values));
  }

  /**
   * "Answer in a form", offered before the question on entering a section of two or more
   * questions, and again whenever someone comes back to one; the question follows, for chat.
   */
  #formOffer(state: DialogState, step: Step, steps: readonly Step[], always: boolean): OutgoingMessage | undefined {
    const section = step.section;
    if (section === undefined) return undefined;
    const inSection = steps.filter((s) => s.section?.id === section.id);
    if (inSection.length < 2 || (inSection[0]?.name !== step.name && !always)) return undefined;
    const answered = inSection.filter((s) => s.name in state.values).length;
    return ask(
      `You can answer ${answered > 0 ? 'the rest of ' : ''}“${section.title}” (${inSection.length} questions) in one form${answered > 0 ? ' — what you’ve answered is filled in' : ''}, or one at a time here.`,
      [{ label: 'Answer in a form', value: FORM_CHOICE }],
    );
  }

  async #finish(turn: Turn, opened: OpenDialog, state: DialogState): Promise<DialogState> {
    const completion = await opened.complete(state.values, turn.tx.records);
    turn.out.push(...completion.messages);
    turn.notifications.push(...(completion.notifications ?? []));
    return { ...state, step: SUMMARY_STEP, status: 'completed' };
  }

  /** `log …` inside another dialog: saved at once, without disturbing the dialog in progress. */
  async #logInline(turn: Turn, text: string): Promise<void> {
    const diary = this.#dialogs.get(DIARY_DIALOG_ID);
    if (diary === undefined) return;
    const opened = await diary.open(turn.env);
    if ('unavailable' in opened) {
      turn.out.push(say(opened.unavailable));
      return;
    }
    const step = opened.steps({})[0];
    if (step === undefined) return;
    const accepted = step.accept({ kind: 'text', text }, {}, { today: turn.env.today });
    if (!accepted.ok) {
      turn.out.push(say(accepted.error));
      return;
    }
    const completion = await opened.complete({ [step.name]: accepted.value }, turn.tx.records);
    turn.out.push(...completion.messages);
  }

  #findTrigger(text: string): { dialog: DialogDefinition; rest: string } | undefined {
    const lower = text.toLowerCase().replace(/\s+/g, ' ');
    for (const dialog of this.#dialogs.values()) {
      for (const trigger of dialog.triggers) {
        if (lower === trigger) return { dialog, rest: '' };
        if (lower.startsWith(`${trigger} `) && dialog.triggerArgument === true) return { dialog, rest: text.slice(trigger.length).trim() };
      }
    }
    return undefined;
  }

  #menu(): OutgoingMessage {
    const lines = [...this.#dialogs.values()].map((dialog) => `• \`${dialog.triggers[0]}\` — ${dialog.title}`);
    return say(`Here’s what I can help with:\n${lines.join('\n')}\n${COMMANDS_HELP}`);
  }

  /** The school's policy, validated once per version of the school row. */
  #policyOf(person: DialogPerson): Policy | undefined {
    const key = `${person.schoolId}:${person.policyStamp}`;
    const cached = this.#policies.get(key);
    if (cached !== undefined) return cached;
    const parsed = PolicySchema.safeParse(person.policy);
    if (!parsed.success) return undefined;
    if (this.#policies.size > 200) this.#policies.clear();
    this.#policies.set(key, parsed.data);
    return parsed.data;
  }
}

function summaryItems(steps: readonly Step[], state: DialogState, today: IsoDate) {
  return steps
    .filter((step) => step.name in state.values)
    .map((step) => {
      const value = state.values[step.name];
      return { label: step.label, value: value === null || value === undefined ? '(skipped)' : step.show(value, today) };
    });
}

/** One turn through a fresh engine, for callers that don't keep one around. */
export function runTurn(options: EngineOptions, turn: InboundTurn): Promise<TurnResult> {
  return new ConversationEngine(options).handle(turn);
}
