import type { OutgoingMessage } from '../conversations/engine/outgoing-message.ts';
import type { TurnResult } from '../conversations/engine/run-turn.ts';
import type { HomeView } from './bot-ports.ts';
import type { DialogTarget, ThreadPlace } from './trellis-bot.ts';

/**
 * What the core asks a channel to do in front of the person, in order. Every channel renders each
 * kind its own way (Block Kit, Adaptive Cards, the playground's transcript) and decides nothing:
 * - `reply`: messages where the person spoke, or in a dialog's thread (`place`); a reply saved with
 *   its turn carries `replyKey`, and is reported sent once rendered (see `renderEffects`);
 * - `dialog-started`: a dialog has just begun in the thread the channel opened for it (Teams shows
 *   its title, a Slack slash command says where it is);
 * - `ask-form`: a reminder action needs a few words first (a reason, a date): the form to show,
 *   whose answer comes back to `act` with `value`;
 * - `home`: the person's home (stage, what to start, deadlines) where they are: Slack's App Home
 *   tab, Teams' home card in the chat.
 * Messages to anyone else are never effects: the core queued them in the turn's transaction and
 * the job engine delivers them.
 */
export type Effect =
  | { kind: 'reply'; messages: readonly OutgoingMessage[]; place?: ThreadPlace | undefined; replyKey?: string | undefined }
  | { kind: 'dialog-started'; dialogId: string; title: string; place: ThreadPlace }
  | { kind: 'ask-form'; message: OutgoingMessage; value: string }
  | { kind: 'home'; view: HomeView };

/** A dialog about to start, for the channel to open a thread for. */
export interface ThreadToOpen {
  dialogId: string;
  /** The thread's title ("Self-reflection · 2026/27 — reply in this thread…"). */
  title: string;
  /** The platform's id of the message or press that asked for it. */
  messageId: string;
}

/**
 * The channel's side of the flow: where a new dialog's thread is (Slack posts its title as the
 * parent of a DM thread, or uses the thread of the person's own message; Teams begins a run of the
 * personal chat; the playground adds a thread) and, for a colleague named as text, who that is
 * (a Slack mention). Called before the dialog's turn, since the thread is part of the turn.
 */
export interface ThreadOpener {
  openThread(thread: ThreadToOpen): Promise<ThreadPlace>;
  /** A colleague named when starting (`checkin @sam`) as this channel writes them; typed text when absent. */
  targetOf?(text: string): Promise<DialogTarget | undefined>;
}

/** The channel's renderer: shows one effect; resolves once it is in front of the person. */
export interface EffectRenderer {
  render(effect: Effect): Promise<void>;
}

/** A dialog turn's effect: its reply (none for a retried message, already answered). */
export function turnEffects(result: TurnResult, place?: ThreadPlace): Effect[] {
  if (result.duplicate || result.messages.length === 0) return [];
  return [{ kind: 'reply', messages: result.messages, place, replyKey: result.replyKey }];
}

/**
 * Renders effects in order through the channel, and reports each saved reply sent once it is
 * shown (`replied`), so the job engine does not send it again. The one place that rule lives, for
 * every channel.
 */
export async function renderEffects(effects: readonly Effect[], renderer: EffectRenderer, replied: (reply: { replyKey?: string | undefined }) => Promise<void>): Promise<void> {
  for (const effect of effects) {
    await renderer.render(effect);
    if (effect.kind === 'reply') await replied(effect);
  }
}
