import { expect } from 'vitest';
import { FORM_CHOICE } from '../../../../src/core/conversations/engine/commands.ts';
import { type FormField, messageText, type OutgoingMessage } from '../../../../src/core/conversations/engine/outgoing-message.ts';
import type { Chat } from './chat.ts';

/**
 * How long a teacher spends on the self-reflection and the growth plan, by form and message by
 * message, with the same answers: the turns and characters are counted through the real engine,
 * and turned into minutes with the model below. The figures are in docs/dialogs.md.
 */
const TYPING_CHARS_PER_MINUTE = 200; // 40 words a minute of five characters: an ordinary typist
const READING_CHARS_PER_MINUTE = 1000; // about 200 words a minute, reading the questions
const SECONDS_PER_TURN = 3; // pressing send or a button and seeing the reply

/** A teacher's answers: a sentence for each required box (with a number and “By… I am… so that…”, which 001 and 002 ask for), a phrase for optional ones. */
export const SENTENCE = 'By July I am using retrieval starters in 3 lessons a week so that 80% of 9X recall key facts';
const PHRASE = 'More cold calling in Year 9';
const DATE = '2027-07-01';

export interface Tally {
  turns: number;
  typed: number;
  read: number;
}

/** How the teacher goes through: message by message, by form filling every box, or by form filling only the boxes that must be filled. */
export type Path = 'chat' | 'form' | 'form, required only';

export function answerFor(field: FormField, n: number, path: Path = 'form'): string {
  // Optional boxes left empty (a skip), as a teacher who uses them only to think would.
  if (path === 'form, required only' && field.required !== true && field.kind !== 'choice' && field.kind !== 'date') return '';
  // The box for “something else” beside a choice is filled only by someone who picks that; the usual answer (the first choice) is picked here.
  if (field.id.endsWith('-other') && field.required !== true) return '';
  if (field.kind === 'choice') return (field.choices ?? []).find((c) => c.value === 'no')?.value ?? field.choices![0]!.value;
  if (field.kind === 'date') return DATE;
  // The one short-text kind is a list of dates (check-in dates).
  if (field.kind === 'text') return '1/12/2026, 1/3/2027';
  if (field.id.endsWith('-amount')) return '90';
  // Every answer differs a little, as real ones do (the same words twice at once are a double send).
  return `${field.required ? SENTENCE : PHRASE} (${n})`;
}

function readOf(messages: readonly OutgoingMessage[]): number {
  return messages.reduce((sum, m) => sum + (m.type === 'form' ? m.fields.reduce((s, f) => s + f.label.length + (f.hint?.length ?? 0), 0) : messageText(m).length), 0);
}

/** Typing and sending: the time the teacher's hands are busy. */
export function handsMinutes(t: Tally): number {
  return t.typed / TYPING_CHARS_PER_MINUTE + (t.turns * SECONDS_PER_TURN) / 60;
}

/** With every word the bot shows read in full: an upper bound, since the standards' sub-points are read once and skimmed after. */
export function withReadingMinutes(t: Tally): number {
  return handsMinutes(t) + t.read / READING_CHARS_PER_MINUTE;
}

function formOf(chat: Chat): Extract<OutgoingMessage, { type: 'form' }> | undefined {
  const form = chat.lastMessages().find((m) => m.type === 'form');
  return form?.type === 'form' ? form : undefined;
}

/** Runs `trigger` to submission; by form where a section offers one, else question by question. Returns what the teacher did. */
export async function complete(chat: Chat, trigger: string, path: Path): Promise<Tally> {
  const byForm = path !== 'chat';
  const t: Tally = { turns: 1, typed: trigger.length, read: 0 };
  await chat.user(trigger);
  t.read += readOf(chat.lastMessages());
  let n = 0;
  for (let guard = 0; guard < 200 && chat.last?.conversation?.status === 'active'; guard++) {
    if (chat.step() === '$summary') {
      await chat.press('submit');
      t.turns++;
      t.read += readOf(chat.lastMessages());
      continue;
    }
    // The section's fields, asked for without counting it: the chat path answers the same ones one by one.
    const before = chat.last!;
    await chat.press(FORM_CHOICE);
    const form = formOf(chat);
    if (form === undefined) throw new Error(`no form at step ${chat.step()}`);
    if (byForm) {
      t.turns += 2;
      t.read += readOf(chat.lastMessages());
      const values = Object.fromEntries(form.fields.map((f) => [f.id, f.value ?? answerFor(f, ++n, path)]));
      t.typed += form.fields.reduce((sum, f) => sum + (f.kind === 'choice' ? 0 : values[f.id]!.length), 0);
      await chat.send({ kind: 'form', values });
      if (chat.last?.fieldErrors !== undefined) throw new Error(`refused: ${JSON.stringify(chat.last.fieldErrors)}`);
      t.read += readOf(chat.lastMessages());
      continue;
    }
    chat.last = before;
    const field = form.fields.find((f) => f.id === chat.step());
    if (field === undefined) throw new Error(`step ${chat.step()} is not in its section's form`);
    const answer = answerFor(field, ++n);
    if (field.kind === 'choice') await chat.press(answer);
    else {
      t.typed += answer.length;
      await chat.user(answer);
    }
    t.turns++;
    if (chat.step() === field.id) throw new Error(`refused at ${field.id}: ${chat.lastBot()}`);
    t.read += readOf(chat.lastMessages());
  }
  expect(chat.last?.conversation?.status).toBe('completed');
  return t;
}
