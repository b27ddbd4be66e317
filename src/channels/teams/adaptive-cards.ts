import type { CardElement, IAdaptiveCard, IExecuteAction, ISubmitAction } from '@microsoft/teams.cards';
import type { Attachment, FormField, OutgoingMessage } from '../../core/conversations/engine/outgoing-message.ts';
import { type DigestItem, type DigestMessage, itemDueText, moreText } from '../../core/reminders/compose-digest.ts';
import type { OutboundActivity } from './bot-connector.ts';
import { escapeTeamsText } from './escape-markdown.ts';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/**
 * Teams refuses a message over ~100 KB (older clients and the Graph connector stop at 28 KB); we
 * keep every card under the lower figure so no client drops one (platforms.md §2.3).
 */
export const MAX_CARD_BYTES = 28 * 1024;

/** Verbs of Trellis's Action.Execute buttons; the same data comes back from the Action.Submit fallback. */
export const VERB = { choice: 'trellis.choice', form: 'trellis.form', digest: 'trellis.digest', ask: 'trellis.ask', home: 'trellis.home' } as const;

/** Form inputs are namespaced so a field called `run` can't clash with the card's own data. */
export const FIELD_PREFIX = 'f_';

/** Up to this many choices are buttons; more become a drop-down (Teams shows about six actions). */
const MAX_BUTTONS = 5;

/**
 * What a pressed button sends back. `run` names the dialog run inside the sender's own chat
 * (`<dialogId>:<startMessageId>`); the channel joins it to the conversation id from the activity,
 * so a crafted card can only ever reach the presser's own dialogs.
 */
export type CardData =
  | { trellis: 'choice'; run: string; value?: string; label?: string; q: string }
  | { trellis: 'form'; run: string; title: string }
  | { trellis: 'digest'; value: string; label: string }
  | { trellis: 'ask'; value: string; title: string }
  /** A button on the home card: a growth command word or a reminder action, as on Slack's App Home. */
  | { trellis: 'home'; value: string; label: string };

export function card(body: CardElement[], actions: (IExecuteAction | ISubmitAction)[] = []): IAdaptiveCard {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, ...(actions.length > 0 ? { actions } : {}) };
}

/** A TextBlock; its markdown is made inert first (escape-markdown.ts), as is every fact below. */
export const text = (value: string, extra: Partial<{ weight: 'Bolder'; size: 'Medium' | 'Small'; color: 'Good' | 'Attention' | 'Warning'; isSubtle: boolean }> = {}): CardElement => ({
  type: 'TextBlock',
  text: escapeTeamsText(value),
  wrap: true,
  ...extra,
});

/** Action.Execute (Universal Actions) with a classic Action.Submit for clients that predate it. */
export function button(title: string, verb: string, data: CardData, style?: 'positive'): IExecuteAction {
  const submit: ISubmitAction = { type: 'Action.Submit', title, data, ...(style ? { style } : {}) };
  return { type: 'Action.Execute', title, verb, data, fallback: submit, ...(style ? { style } : {}) };
}

function fact(title: string, value: string): { title: string; value: string } {
  return { title: escapeTeamsText(title), value: escapeTeamsText(value) };
}

export function attachCard(content: IAdaptiveCard): OutboundActivity {
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD, content }] };
}

/** Teams can't take a file from a bot without asking first: say what the file was and how to get it. */
function attachmentNote(attachment: Attachment): string {
  if (attachment.contentType.startsWith('text/calendar')) return `\n\n📅 ${attachment.filename}: Teams can’t take a file from a bot without asking you first, so add this date to your calendar yourself.`;
  return `\n\n📎 ${attachment.filename}: Teams can’t take a file from a bot without asking you first. Your Trellis administrator can give you the same file (\`${attachment.fromCli ?? 'trellis export person'}\`).`;
}

/** A file on its own (the core's `file` effect): what it was and how to get it, as Teams says it after a message. */
export function renderFile(attachment: Attachment): OutboundActivity[] {
  return splitText(escapeTeamsText(attachmentNote(attachment).trim())).map((part) => ({ type: 'message', text: part, textFormat: 'markdown' }));
}

/** A text message's words as Teams shows them (escaped), with the note of the file it carries. */
function textOf(message: Extract<OutgoingMessage, { type: 'text' }>): string {
  const note = message.attachment === undefined ? '' : attachmentNote(message.attachment);
  return escapeTeamsText(`${message.text}${note}`);
}

/** Text as message activities, split only where over Teams' size limit. */
function textActivities(value: string): OutboundActivity[] {
  return splitText(value).map((part) => ({ type: 'message', text: part, textFormat: 'markdown' }));
}

/** One engine message as Teams activities: plain text, or a card for questions, forms and summaries. */
export function renderMessage(message: OutgoingMessage, run: string | undefined): OutboundActivity[] {
  switch (message.type) {
    case 'text':
      return textActivities(textOf(message));
    case 'choices':
      return [attachCard(choicesCard(message.text, message.choices, run))];
    case 'form':
      return [attachCard(formCard(message.title, message.fields, run === undefined ? { trellis: 'ask', value: '', title: message.title } : { trellis: 'form', run, title: message.title }))];
    case 'summary':
      return chunk(message.items, 40).map((items, i) =>
        attachCard(card([text(i === 0 ? message.title : `${message.title} (continued)`, { weight: 'Bolder' }), { type: 'FactSet', facts: items.map((item) => fact(item.label, item.value)) }])),
      );
  }
}

/**
 * The engine's messages as Teams activities: consecutive text messages as one activity (paragraphs
 * apart), so a turn's words are one post. A card stays an activity of its own: pressing its button
 * replaces that activity with the answered card, which would take words sharing it away.
 */
export function renderMessages(messages: readonly OutgoingMessage[], run: string | undefined): OutboundActivity[] {
  const out: OutboundActivity[] = [];
  let words: string[] = [];
  const flush = () => {
    if (words.length > 0) out.push(...textActivities(words.join('\n\n')));
    words = [];
  };
  for (const message of messages) {
    if (message.type === 'text') words.push(textOf(message));
    else {
      flush();
      out.push(...renderMessage(message, run));
    }
  }
  flush();
  return out;
}

function choicesCard(question: string, choices: readonly { label: string; value: string }[], run: string | undefined): IAdaptiveCard {
  const q = question.slice(0, 500);
  if (run === undefined) return card([text(question), text(choices.map((c) => `• ${c.label}`).join('\n'))]);
  if (choices.length <= MAX_BUTTONS) {
    return card(
      [text(question)],
      choices.map((choice) => button(choice.label, VERB.choice, { trellis: 'choice', run, value: choice.value, label: choice.label, q })),
    );
  }
  return card(
    [text(question), { type: 'Input.ChoiceSet', id: `${FIELD_PREFIX}choice`, label: 'Choose one', style: 'compact', isRequired: true, errorMessage: 'Please choose one.', choices: choices.map((c) => ({ title: c.label, value: c.value })) }],
    [button('Choose', VERB.choice, { trellis: 'choice', run, q }, 'positive')],
  );
}

export function formCard(title: string, fields: readonly FormField[], data: CardData): IAdaptiveCard {
  const inputs: CardElement[] = fields.flatMap((field): CardElement[] => {
    // A prefilled value: an earlier answer, or what was typed when the form came back refused.
    const value = field.value === undefined || field.value === '' ? {} : { value: field.value };
    const common = { id: `${FIELD_PREFIX}${field.id}`, label: field.label, isRequired: field.required, ...value, ...(field.required ? { errorMessage: `${field.label} is needed.` } : {}) };
    const notes: CardElement[] = [...(field.hint === undefined ? [] : [text(field.hint, { isSubtle: true })]), ...(field.error === undefined ? [] : [text(field.error, { color: 'Attention' })])];
    switch (field.kind) {
      case 'date':
        return [{ type: 'Input.Date', ...common }, ...notes];
      case 'choice':
        return [{ type: 'Input.ChoiceSet', ...common, style: 'compact', choices: (field.choices ?? []).map((c) => ({ title: c.label, value: c.value })) }, ...notes];
      case 'long-text':
        return [{ type: 'Input.Text', ...common, isMultiline: true, maxLength: field.maxLength ?? 4000 }, ...notes];
      default:
        return [{ type: 'Input.Text', ...common, maxLength: field.maxLength ?? 500 }, ...notes];
    }
  });
  const verb = data.trellis === 'ask' ? VERB.ask : VERB.form;
  return card([text(title, { weight: 'Bolder' }), ...inputs], [button('Submit', verb, data, 'positive')]);
}

/** The card after it was answered: the question and the answer, no buttons, so it can't be pressed twice. */
export function answeredCard(question: string, answer: string): IAdaptiveCard {
  return card([text(question, { isSubtle: true }), text(`✓ ${answer}`, { weight: 'Bolder', color: 'Good' })]);
}

export function answeredFormCard(title: string, values: Record<string, string>): IAdaptiveCard {
  const facts = Object.entries(values)
    .filter(([, value]) => value.trim() !== '')
    .map(([key, value]) => fact(key, value.length > 300 ? `${value.slice(0, 297)}…` : value));
  return card([text(`✓ ${title}`, { weight: 'Bolder', color: 'Good' }), ...(facts.length > 0 ? [{ type: 'FactSet' as const, facts }] : [])]);
}

const STATE_WORDS: Record<DigestItem['state'], string> = { escalated: 'escalated', overdue: 'overdue', 'due-today': 'due today', 'due-soon': 'due soon', opened: 'open' };

/** A day's reminders as one card, each item with its own Start / Done / Snooze / Not applicable buttons. */
export function digestCards(digest: DigestMessage): IAdaptiveCard[] {
  const blocks: CardElement[][] = digest.items.map((item) => {
    const whose = item.about === undefined ? '' : ` — ${item.about.fullName}`;
    const due = itemDueText(item, digest.date);
    const elements: CardElement[] = [text(`**${item.label}**${whose}`), text(`${due.charAt(0).toUpperCase()}${due.slice(1)} (${STATE_WORDS[item.state]})`, { size: 'Small', isSubtle: true })];
    if (item.actions.length > 0) {
      elements.push({ type: 'ActionSet', actions: item.actions.map((action) => button(action.label, VERB.digest, { trellis: 'digest', value: action.value, label: `${action.label}: ${item.label}` })) });
    }
    return elements;
  });
  const more = moreText(digest);
  if (more !== undefined) blocks.push([text(more, { size: 'Small', isSubtle: true })]);
  for (const summary of digest.escalations ?? []) {
    const elements: CardElement[] = [text(`⚠ ${summary.text}`)];
    if (summary.actions.length > 0) {
      elements.push({ type: 'ActionSet', actions: summary.actions.map((action) => button(action.label, VERB.digest, { trellis: 'digest', value: action.value, label: `${action.label}: ${summary.label}` })) });
    }
    blocks.push(elements);
  }
  // A long digest (a head of school's escalations) is split across cards rather than dropped.
  const cards: IAdaptiveCard[] = [];
  let current: CardElement[] = [text(digest.title, { weight: 'Bolder', size: 'Medium' })];
  for (const block of blocks) {
    const container: CardElement = { type: 'Container', separator: true, items: block };
    if (cardBytes(card([...current, container])) > MAX_CARD_BYTES) {
      cards.push(card(current));
      current = [text(`${digest.title} (continued)`, { weight: 'Bolder' })];
    }
    current.push(container);
  }
  cards.push(card(current));
  return cards;
}

export function cardBytes(content: IAdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(content));
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length === 0 ? [[]] : out;
}

/** Splits long text at paragraph boundaries so each message stays under the size limit. */
export function splitText(value: string, limit = 20_000): string[] {
  if (Buffer.byteLength(value) <= limit) return [value];
  const parts: string[] = [];
  let current = '';
  for (const paragraph of value.split(/\n\n/)) {
    const next = current === '' ? paragraph : `${current}\n\n${paragraph}`;
    if (Buffer.byteLength(next) <= limit) current = next;
    else {
      if (current !== '') parts.push(current);
      // A single paragraph over the limit is cut into pieces (4 bytes per character at worst).
      const step = Math.floor(limit / 4);
      for (let i = 0; i < paragraph.length - step; i += step) parts.push(paragraph.slice(i, i + step));
      current = paragraph.slice(Math.max(0, Math.ceil(paragraph.length / step) - 1) * step);
    }
  }
  if (current !== '') parts.push(current);
  return parts;
}
