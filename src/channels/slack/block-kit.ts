import type { Attachment, Choice, OutgoingMessage, SummaryItem } from '../../core/conversations/engine/outgoing-message.ts';
import { wordsAndFiles } from '../../core/bot/turn-flow.ts';
import { FORM_CHOICE } from '../../core/conversations/engine/commands.ts';
import { escapeMrkdwn } from './escape-mrkdwn.ts';

/** Block Kit's limits (docs.slack.dev/reference/block-kit/blocks), kept here so every renderer obeys them. */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  buttonsPerActions: 25,
  buttonText: 75,
  buttonValue: 2000,
  /** A message's top-level `text` (its notification fallback) is cut beyond 40,000 characters (platforms.md §1.11). */
  messageText: 40_000,
} as const;

/** A Block Kit block as plain data; passed to the Web API as is (its typings want one union per block kind). */
export type Block = Record<string, unknown>;

/** One Slack message: `text` is the notification fallback, `blocks` carry the whole content. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
  /** A file uploaded after the message (files.uploadV2): a document too long to show as text, such as `my-records`. */
  file?: Attachment | undefined;
}

export const CHOICE_ACTION = 'trellis_choice_';
export const FORM_ACTION = 'trellis_form_open';

/**
 * Renders the engine's messages as Slack messages: as few as Slack's limits allow, so a turn's
 * reply is one post (`joined`). Long text is split into several sections and a message of more
 * than 50 blocks into several messages: content is never truncated.
 */
export function renderMessages(messages: readonly OutgoingMessage[]): SlackMessage[] {
  const out: SlackMessage[] = [];
  for (const message of messages) {
    const rendered = splitIntoMessages(blocksOf(message), fallbackOf(message));
    const last = rendered.at(-1);
    if (message.type === 'text' && message.attachment !== undefined && !postedAsText(message.attachment) && last !== undefined) last.file = message.attachment;
    const previous = out.at(-1);
    const both = previous === undefined || rendered.length !== 1 || rendered[0] === undefined ? undefined : joined(previous, rendered[0]);
    if (both === undefined) out.push(...rendered);
    else out[out.length - 1] = both;
  }
  return out;
}

/**
 * Two Slack messages for the same place as one, or undefined where Slack or Trellis needs them
 * apart: over 50 blocks or the text limit; a file is uploaded straight after its message, so
 * nothing joins after one that carries a file; and nothing joins after a question's buttons, so a
 * message holds at most one question to press, last (a press is one answer per message, and marks
 * that question answered at the message's end).
 */
export function joined(first: SlackMessage, second: SlackMessage): SlackMessage | undefined {
  if (first.file !== undefined || first.blocks.some(isChoiceRow)) return undefined;
  if (first.blocks.length + second.blocks.length > LIMITS.blocksPerMessage) return undefined;
  const text = `${first.text}\n${second.text}`;
  if (text.length > LIMITS.messageText) return undefined;
  return { text, blocks: [...first.blocks, ...second.blocks], ...(second.file === undefined ? {} : { file: second.file }) };
}

/** An actions block of a question's choice buttons (not the "Answer in a form" button, which opens a modal and stays). */
export function isChoiceRow(block: Block): boolean {
  if (block.type !== 'actions' || !Array.isArray(block.elements)) return false;
  return block.elements.some((element: unknown) => {
    const { action_id: id, value } = element as { action_id?: unknown; value?: unknown };
    return typeof id === 'string' && id.startsWith(CHOICE_ACTION) && value !== FORM_CHOICE;
  });
}

/**
 * One part of a Slack delivery, in the order it is sent: a message, the `number`th of the
 * delivery's `of` messages (marked so in its metadata, so a retry can look it up), with the names
 * of the files uploaded straight after it (`followedBy`, in its metadata too); or a file uploaded
 * after the message before it (`after` messages precede it; files.uploadV2 takes no metadata, so
 * an upload is looked up as a file after that message under its name).
 */
export type DeliveryPart = { message: SlackMessage; number: number; of: number; followedBy: readonly string[] } | { upload: Attachment; after: number };

/** Numbers the parts' messages 1..N of N as given and names on each message the uploads straight after it. */
function numbered(parts: readonly ({ message: SlackMessage } | { upload: Attachment })[]): DeliveryPart[] {
  const of = parts.filter((part) => 'message' in part).length;
  let number = 0;
  const sequence = parts.map((part): DeliveryPart => ('message' in part ? { message: part.message, number: ++number, of, followedBy: [] } : { upload: part.upload, after: number }));
  return sequence.map((part) => ('upload' in part ? part : { ...part, followedBy: sequence.flatMap((next) => ('upload' in next && next.after === part.number ? [next.upload.filename] : [])) }));
}

/** Slack messages as the parts of one delivery: each message, then the file it carries (`file`). */
export function partsOf(messages: readonly SlackMessage[]): DeliveryPart[] {
  return numbered(messages.flatMap((message) => [{ message }, ...(message.file === undefined ? [] : [{ upload: message.file }])]));
}

/**
 * A reply as the parts of one delivery: its messages' words, then each file in order (those the
 * messages carry, then `following`), a calendar file as a message of its own showing it as text
 * (so it is numbered: a reply of N messages and one calendar file is parts 1..N+1 of N+1), any
 * other uploaded after the message before it, which names it. The same for the channel sending the turn's effects (the reply effect's words,
 * its `files` following) and for the job engine sending the saved reply (files on its messages),
 * so the engine's look-up after a crash counts the same parts and sends only the missing ones,
 * the files included.
 */
export function deliveryParts(messages: readonly OutgoingMessage[], following: readonly Attachment[] = []): DeliveryPart[] {
  const { words, files: carried } = wordsAndFiles(messages);
  const files = [...carried, ...following];
  return numbered([...renderMessages(words).map((message) => ({ message })), ...files.map((file) => (postedAsText(file) ? { message: fileMessage(file) } : { upload: file }))]);
}

/** A file shown as text in a message of its own: its name as the notification fallback. */
export function fileMessage(attachment: Attachment): SlackMessage {
  return { text: attachment.filename, blocks: fileAsText(attachment) };
}

/** A file shown as text (`postedAsText`): its name, then its content as code. */
export function fileAsText(attachment: Attachment): Block[] {
  return [...sections(`*${attachment.filename}*`), ...codeSections(attachment.content)];
}

/** A calendar file is short and shown as text (no files:write needed for it); any other file is uploaded. */
export function postedAsText(attachment: Attachment): boolean {
  return attachment.contentType.startsWith('text/calendar');
}

export function blocksOf(message: OutgoingMessage): Block[] {
  switch (message.type) {
    case 'text': {
      const blocks = sections(message.text);
      // A calendar file is short, so it is shown as text; other files are uploaded (renderMessages).
      if (message.attachment !== undefined && postedAsText(message.attachment)) blocks.push(...fileAsText(message.attachment));
      return blocks;
    }
    case 'choices':
      return [...sections(message.text), ...buttonRows(message.choices, CHOICE_ACTION)];
    case 'form':
      // A dialog's section form is fetched again when the button is pressed (it may be long and prefilled).
      if (message.section !== undefined) return [...sections(`*${message.title}*`), { type: 'actions', elements: [button('Answer in a form', `${CHOICE_ACTION}form`, FORM_CHOICE)] }];
      return [...sections(`*${message.title}*`), { type: 'actions', elements: [button('Fill in the form', FORM_ACTION, JSON.stringify({ title: message.title, fields: message.fields }))] }];
    case 'summary':
      return [...sections(`*${message.title}*`), ...summarySections(message.items)];
  }
}

/**
 * Section blocks of at most 3000 characters each, split at line breaks where possible. Every
 * mrkdwn text Trellis sends is escaped here (or with `escapeMrkdwn` for a field or fallback): whatever a person wrote
 * (an answer, a reason, a diary line, a name) reaches a colleague as the words they typed.
 */
export function sections(text: string): Block[] {
  const body = text.trim() === '' ? ' ' : escapeMrkdwn(text);
  return chunkText(body, LIMITS.sectionText).map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } }));
}

function codeSections(content: string): Block[] {
  const fence = '```';
  return chunkText(escapeMrkdwn(content), LIMITS.sectionText - 2 * fence.length - 2).map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: `${fence}\n${chunk}${fence}` } }));
}

export function chunkText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max);
    let at = cut > max / 2 ? cut : max;
    // Never between the `&` and `;` of an escape such as `&lt;`.
    const amp = rest.lastIndexOf('&', at - 1);
    if (amp > at - 5 && !rest.slice(amp, at).includes(';') && amp > 0) at = amp;
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

export function button(label: string, actionId: string, value: string, style?: 'primary' | 'danger'): Block {
  const text = label.length > LIMITS.buttonText ? `${label.slice(0, LIMITS.buttonText - 1)}…` : label;
  return { type: 'button', text: { type: 'plain_text', text, emoji: true }, action_id: actionId, value, ...(style === undefined ? {} : { style }) };
}

/** Buttons in rows of 25 (an actions block's limit); action ids are unique within the message. */
export function buttonRows(choices: readonly Choice[], actionPrefix: string): Block[] {
  const rows: Block[] = [];
  for (let i = 0; i < choices.length; i += LIMITS.buttonsPerActions) {
    const row = choices.slice(i, i + LIMITS.buttonsPerActions);
    rows.push({ type: 'actions', elements: row.map((choice, j) => button(choice.label, `${actionPrefix}${i + j}`, choice.value)) });
  }
  return rows;
}

function summarySections(items: readonly SummaryItem[]): Block[] {
  const blocks: Block[] = [];
  let fields: Block[] = [];
  const flush = () => {
    if (fields.length > 0) blocks.push({ type: 'section', fields });
    fields = [];
  };
  for (const item of items) {
    const text = escapeMrkdwn(`*${item.label}*\n${item.value}`);
    if (text.length > LIMITS.fieldText) {
      flush();
      blocks.push(...sections(`*${item.label}*\n${item.value}`));
      continue;
    }
    fields.push({ type: 'mrkdwn', text });
    if (fields.length === LIMITS.fieldsPerSection) flush();
  }
  flush();
  return blocks;
}

function splitIntoMessages(blocks: Block[], fallback: string): SlackMessage[] {
  const messages: SlackMessage[] = [];
  for (let i = 0; i < blocks.length; i += LIMITS.blocksPerMessage) {
    const part = blocks.slice(i, i + LIMITS.blocksPerMessage);
    messages.push({ text: i === 0 ? fallback : `${fallback} (continued)`, blocks: part });
  }
  return messages;
}

/** The notification text: the first line, short; the blocks carry everything. Slack parses it as mrkdwn too. */
function fallbackOf(message: OutgoingMessage): string {
  const text = message.type === 'form' || message.type === 'summary' ? message.title : message.text;
  const first = text.split('\n')[0] ?? '';
  return escapeMrkdwn(first.length > 300 ? `${first.slice(0, 299)}…` : first || 'Trellis');
}
