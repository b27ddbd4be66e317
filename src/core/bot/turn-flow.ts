import type { Attachment, OutgoingMessage } from '../conversations/engine/outgoing-message.ts';
import type { TurnResult } from '../conversations/engine/run-turn.ts';
import type { Told } from '../notifications/notification-queue.ts';
import type { HomeView } from './bot-ports.ts';
import type { DialogTarget, ThreadPlace } from './trellis-bot.ts';

/**
 * What the core asks a channel to do in front of the person, in order. Every channel renders each
 * kind its own way (Block Kit, Adaptive Cards, the playground's transcript) and decides nothing:
 * - `reply`: messages where the person spoke, or in a dialog's thread (`place`); a reply saved with
 *   its turn carries `replyKey`, and is reported sent once rendered with its files (see
 *   `renderEffects`); `files` are the files that follow it as `file` effects, so a channel that
 *   sends them as parts of the reply's delivery (Slack: a calendar file is the delivery's last
 *   message) can number every part before sending the first;
 * - `dialog-started`: a dialog has just begun in the thread the channel opened for it (Teams shows
 *   its title, a Slack slash command says where it is);
 * - `ask-form`: a form to show apart from the conversation: a reminder action needs a few words
 *   first (a reason, a date), whose answer comes back to `act` with `value`; or (with `place`) a
 *   dialog's section form asked for with "Answer in a form", whose answer comes back to that
 *   thread (`messageFlow` with the form's values);
 * - `file`: a file for the person (an export, a governors' report, a check-in's calendar
 *   invitation), straight after the reply it goes with and in the same place: Slack uploads it
 *   (a calendar file is shown as text), Teams says how to get it, the playground offers a download;
 * - `notified`: someone else was told (their message was queued in the same transaction, and the
 *   job engine delivers it): Slack and Teams show nothing, the playground says who;
 * - `home`: the person's home (stage, what to start, deadlines) where they are: Slack's App Home
 *   tab, Teams' home card in the chat.
 * Messages to anyone else are never rendered by the channel in front of the person: the core queued
 * them in the turn's transaction and the job engine delivers them (`notified` only says so).
 */
export type Effect =
  | { kind: 'reply'; messages: readonly OutgoingMessage[]; place?: ThreadPlace | undefined; replyKey?: string | undefined; files?: readonly Attachment[] | undefined }
  | { kind: 'dialog-started'; dialogId: string; title: string; place: ThreadPlace }
  | { kind: 'ask-form'; message: OutgoingMessage; value: string; place?: undefined }
  | { kind: 'ask-form'; message: Extract<OutgoingMessage, { type: 'form' }>; place: ThreadPlace; value?: undefined }
  | { kind: 'file'; file: Attachment; place?: ThreadPlace | undefined; replyKey?: string | undefined }
  | ({ kind: 'notified' } & Told)
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

/**
 * A reply's words and the files its messages carry, in order: the message keeps its words and
 * the file is sent on its own. The one place a reply is split so, for the turn flow and for a
 * channel sending a saved reply again (the job engine), so both send the same parts.
 */
export function wordsAndFiles(messages: readonly OutgoingMessage[]): { words: OutgoingMessage[]; files: Attachment[] } {
  const files = messages.flatMap((message) => (message.type === 'text' && message.attachment !== undefined ? [message.attachment] : []));
  const words = messages.map((message) => (message.type === 'text' && message.attachment !== undefined ? { type: 'text' as const, text: message.text } : message));
  return { words, files };
}

/**
 * A reply's effects: its messages, then each file they carry as a `file` effect in the same place
 * and under the same key. The one place a reply becomes effects, so every file reaches every
 * channel the same way. The saved reply keeps its files on its messages, which is how the job
 * engine sends them if the channel never does (split again by `wordsAndFiles`).
 */
export function replyEffects(messages: readonly OutgoingMessage[], place?: ThreadPlace, replyKey?: string): Effect[] {
  if (messages.length === 0) return [];
  const { words, files } = wordsAndFiles(messages);
  return [{ kind: 'reply', messages: words, place, replyKey, ...(files.length === 0 ? {} : { files }) }, ...files.map((file): Effect => ({ kind: 'file', file, place, replyKey }))];
}

/** Who else was told, once each, in the order they were queued (never the person themself). */
export function notifiedEffects(told: readonly Told[] | undefined, self: string): Effect[] {
  const seen = new Set<string>();
  return (told ?? []).flatMap((one): Effect[] => {
    const id = one.personId ?? `email:${one.name}`;
    if (one.personId === self || seen.has(id)) return [];
    seen.add(id);
    return [{ kind: 'notified', ...one }];
  });
}

/** A dialog turn's effects: its reply and files, and who else it told (none for a retried message, already answered). */
export function turnEffects(result: TurnResult, place?: ThreadPlace, self = ''): Effect[] {
  if (result.duplicate) return [];
  return [...replyEffects(result.messages, place, result.replyKey), ...notifiedEffects(result.notified, self)];
}

/**
 * Renders effects in order through the channel, and reports each saved reply sent once it is
 * shown with its files (`replied`, after the last effect carrying its key), so the job engine does
 * not send it again. The one place that rule lives, for every channel.
 */
export async function renderEffects(effects: readonly Effect[], renderer: EffectRenderer, replied: (reply: { replyKey?: string | undefined }) => Promise<void>): Promise<void> {
  const keyOf = (effect: Effect) => (effect.kind === 'reply' || effect.kind === 'file' ? effect.replyKey : undefined);
  for (const [i, effect] of effects.entries()) {
    await renderer.render(effect);
    const key = keyOf(effect);
    if (key !== undefined && !effects.slice(i + 1).some((later) => keyOf(later) === key)) await replied({ replyKey: key });
  }
}
