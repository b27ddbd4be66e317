import { londonDateOf } from '../../calendar/london-time.ts';
import { type Policy, PolicySchema } from '../../policy/policy-schema.ts';
import type { Clock } from '../../time/clock.ts';
import type { ConversationStore, ConversationTransaction, DialogPerson, ThreadRef } from '../conversation-ports.ts';
import { inputText, parseCommand } from './commands.ts';
import type { DialogDefinition, DialogEnv, Notification, OpenDialog } from './define-dialog.ts';
import { type DialogState, parseDialogState, resolveStep, SUMMARY_STEP } from './dialog-state.ts';
import { type InboundTurn, InboundTurnSchema, type TurnInput } from './inbound-turn.ts';
import { type OutgoingMessage, ask, say } from './outgoing-message.ts';
import type { Step } from './step.ts';

export interface TurnResult {
  messages: OutgoingMessage[];
  notifications: Notification[];
  /** True when this message id was already handled: nothing was changed and nothing should be sent. */
  duplicate: boolean;
  /** Where the thread stands after the turn, for logs and channels that show progress. */
  conversation?: { dialogId: string; step: string; status: DialogState['status'] } | undefined;
}

export interface EngineOptions {
  store: ConversationStore;
  clock: Clock;
  dialogs: readonly DialogDefinition[];
}

const COMMANDS_HELP =
  'Any time: `back` (previous question), `skip` (where allowed), `edit <step>`, `pause` (carry on later with `resume`), `cancel`, `help`. `log <note>` adds to your growth diary.';

/** The diary's one-liner works even in the middle of another dialog (issue: "a one-line entry any time"). */
const DIARY_DIALOG_ID = 'growth-diary';
const LOG_PATTERN = /^log\s+(\S[\s\S]*)$/i;

/** Everything one turn works with. */
interface Turn {
  tx: ConversationTransaction;
  thread: ThreadRef;
  env: DialogEnv;
  input: TurnInput;
  out: OutgoingMessage[];
  notifications: Notification[];
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

  handle(inbound: InboundTurn): Promise<TurnResult> {
    const turnInput = InboundTurnSchema.parse(inbound);
    return this.#store.transaction(async (tx) => {
      const claimed = await tx.claimInbound(turnInput.tenant, turnInput.platform, turnInput.messageId);
      if (!claimed) return { messages: [], notifications: [], duplicate: true };
      const person = await tx.reads.person(turnInput.personId);
      if (person === undefined) {
        return { messages: [say('I can’t find you on your school’s staff list yet. Please ask your Trellis administrator to add you.')], notifications: [], duplicate: false };
      }
      const policy = this.#policyOf(person);
      if (policy === undefined) {
        return { messages: [say('Your school’s growth policy can’t be read at the moment, so I can’t start anything. Please tell your Trellis administrator.')], notifications: [], duplicate: false };
      }
      const now = this.#clock.now();
      const turn: Turn = {
        tx,
        thread: { tenant: turnInput.tenant, threadKey: turnInput.threadKey, platform: turnInput.platform, personId: turnInput.personId },
        env: { person, policy, today: londonDateOf(now), now, reads: tx.reads },
        input: turnInput.input,
        out: [],
        notifications: [],
      };
      const row = await tx.loadConversation(turnInput.tenant, turnInput.threadKey);
      // A thread belongs to whoever opened it: a forged thread key, or a button naming someone
      // else's thread, is answered and changes nothing (the state is not even re-saved).
      if (row?.personId !== undefined && row.personId !== turnInput.personId) return { messages: [say(NOT_YOUR_THREAD)], notifications: [], duplicate: false };
      const stored = row === undefined ? undefined : parseDialogState(row);
      const live = stored !== undefined && (stored.status === 'active' || stored.status === 'paused') ? stored : undefined;
      const dialog = live === undefined ? undefined : this.#dialogs.get(live.dialogId);
      const state = live !== undefined && dialog !== undefined ? await this.#continue(turn, dialog, live) : await this.#idle(turn);
      if (state !== undefined) await tx.saveConversation(turn.thread, state);
      return {
        messages: turn.out,
        notifications: turn.notifications,
        duplicate: false,
        conversation: state === undefined ? undefined : { dialogId: state.dialogId, step: state.step, status: state.status },
      };
    });
  }

  /** Nothing active in the thread: start a dialog, or explain what can be started. */
  async #idle(turn: Turn): Promise<DialogState | undefined> {
    const text = inputText(turn.input);
    const match = this.#findTrigger(text);
    if (match === undefined) {
      const command = parseCommand(turn.input);
      if (command?.kind !== 'help') turn.out.push(say('I didn’t catch that.'));
      turn.out.push(this.#menu());
      return undefined;
    }
    const opened = await match.dialog.open(turn.env);
    if ('unavailable' in opened) {
      turn.out.push(say(opened.unavailable));
      return undefined;
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
    turn.out.push(...first.ask(state.values));
    return state;
  }

  async #continue(turn: Turn, dialog: DialogDefinition, stored: DialogState): Promise<DialogState | undefined> {
    const opened = await dialog.open(turn.env);
    if ('unavailable' in opened) {
      turn.out.push(say(`${opened.unavailable} I’ve closed your ${dialog.title.toLowerCase()} here.`));
      return { ...stored, status: 'cancelled' };
    }
    const steps = opened.steps(stored.values);
    const state: DialogState = {
      ...stored,
      version: dialog.version,
      step: resolveStep(stored.step, steps.map((s) => s.name), stored.values, dialog.formerStepNames ?? {}),
    };
    const log = LOG_PATTERN.exec(inputText(turn.input));
    if (log !== null && dialog.id !== DIARY_DIALOG_ID && turn.input.kind === 'text') {
      await this.#logInline(turn, log[1]!);
      if (state.status === 'active') this.#reask(turn, opened, state);
      return state;
    }
    const command = parseCommand(turn.input);
    if (state.status === 'paused') return this.#whilePaused(turn, dialog, opened, state, command?.kind);
    const step = steps.find((s) => s.name === state.step);
    switch (command?.kind) {
      case 'help':
        turn.out.push(say(`${opened.help}\n${COMMANDS_HELP}`));
        this.#reask(turn, opened, state);
        return state;
      case 'pause':
        turn.out.push(say(`Paused — your answers so far are saved. Say \`resume\` in this thread when you’re ready to carry on with your ${dialog.title.toLowerCase()}.`));
        return { ...state, status: 'paused' };
      case 'resume':
        this.#reask(turn, opened, state);
        return state;
      case 'cancel':
        turn.out.push(say(`Cancelled your ${dialog.title.toLowerCase()}. Nothing was submitted.`));
        return { ...state, status: 'cancelled' };
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
    if (step === undefined) {
      if (/^(yes|y|send( it)?)$/i.test(inputText(turn.input))) return this.#finish(turn, opened, state);
      turn.out.push(say('Say `submit` to send it, `edit <step>` to change an answer, or `cancel`.'));
      return state;
    }
    return this.#answer(turn, opened, state, step, turn.input);
  }

  async #whilePaused(turn: Turn, dialog: DialogDefinition, opened: OpenDialog, state: DialogState, command: string | undefined): Promise<DialogState> {
    if (command === 'resume') {
      const resumed: DialogState = { ...state, status: 'active' };
      turn.out.push(say(`Welcome back — carrying on with your ${dialog.title.toLowerCase()}.`));
      this.#reask(turn, opened, resumed);
      return resumed;
    }
    if (command === 'cancel') {
      turn.out.push(say(`Cancelled your ${dialog.title.toLowerCase()}. Nothing was submitted.`));
      return { ...state, status: 'cancelled' };
    }
    turn.out.push(say(`Your ${dialog.title.toLowerCase()} is paused in this thread. Say \`resume\` to carry on, or \`cancel\` to discard it.`));
    return state;
  }

  async #answer(turn: Turn, opened: OpenDialog, state: DialogState, step: Step, input: TurnInput): Promise<DialogState | undefined> {
    const accepted = step.accept(input, state.values, { today: turn.env.today });
    if (!accepted.ok) {
      turn.out.push(say(accepted.error));
      turn.out.push(...step.ask(state.values));
      return state;
    }
    return this.#record(turn, opened, state, step.name, accepted.value);
  }

  /**
   * Stores an answer and moves to the first step still unanswered. "First unanswered" rather
   * than "next in order" means that after `back` or `edit` one answer is corrected and the
   * person lands where they were, and that a branch opened by an answer is asked at once.
   */
  #record(turn: Turn, opened: OpenDialog, state: DialogState, name: string, value: DialogState['values'][string]): Promise<DialogState | undefined> {
    const values = { ...state.values, [name]: value };
    const trail = [...state.trail.filter((n) => n !== name), name];
    const next = opened.steps(values).find((s) => !(s.name in values));
    return this.#goTo(turn, opened, { ...state, values, trail }, next?.name ?? SUMMARY_STEP);
  }

  async #goTo(turn: Turn, opened: OpenDialog, state: DialogState, step: string): Promise<DialogState | undefined> {
    if (step === SUMMARY_STEP && !opened.confirm) return this.#finish(turn, opened, state);
    const moved = { ...state, step };
    this.#reask(turn, opened, moved);
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
      const names = reached.map((s) => `\`${s.name}\``).join(', ');
      turn.out.push(say(wanted === '' ? `Which answer? You can edit: ${names}.` : `I can’t find “${target}” among your answers. You can edit: ${names}.`));
      this.#reask(turn, opened, state);
      return state;
    }
    const moved = { ...state, step: found.name };
    this.#reask(turn, opened, moved);
    return moved;
  }

  /** Asks the current step again (showing the answer being changed), or shows the summary. */
  #reask(turn: Turn, opened: OpenDialog, state: DialogState): void {
    const steps = opened.steps(state.values);
    const step = steps.find((s) => s.name === state.step);
    if (step === undefined) {
      turn.out.push({ type: 'summary', title: opened.summaryTitle, items: summaryItems(steps, state) });
      turn.out.push(
        ask(`Is this ready to submit? To change an answer say \`edit <step>\`, e.g. \`edit ${steps[0]?.name ?? 'step'}\`.`, [
          { label: 'Submit', value: 'submit' },
          { label: 'Cancel', value: 'cancel' },
        ]),
      );
      return;
    }
    const current = state.values[step.name];
    if (current !== undefined) turn.out.push(say(`Your answer so far: ${current === null ? '(skipped)' : step.show(current)}`));
    turn.out.push(...step.ask(state.values));
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

function summaryItems(steps: readonly Step[], state: DialogState) {
  return steps
    .filter((step) => step.name in state.values)
    .map((step) => {
      const value = state.values[step.name];
      return { label: step.label, value: value === null || value === undefined ? '(skipped)' : step.show(value) };
    });
}

/** One turn through a fresh engine, for callers that don't keep one around. */
export function runTurn(options: EngineOptions, turn: InboundTurn): Promise<TurnResult> {
  return new ConversationEngine(options).handle(turn);
}
