import type { TurnInput } from './inbound-turn.ts';

export type Command =
  | { kind: 'back' | 'skip' | 'pause' | 'resume' | 'cancel' | 'restart' | 'help' | 'submit' | 'form' | 'why' }
  | { kind: 'edit'; target: string };

const SIMPLE: Record<string, Command['kind']> = {
  back: 'back',
  skip: 'skip',
  pause: 'pause',
  resume: 'resume',
  cancel: 'cancel',
  restart: 'restart',
  'start again': 'restart',
  'start over': 'restart',
  help: 'help',
  '?': 'help',
  submit: 'submit',
  confirm: 'submit',
  form: 'form',
  'answer in a form': 'form',
  why: 'why',
  'why?': 'why',
  'why this question': 'why',
  'why this question?': 'why',
};

/** The button (or word) that asks for the current section of a dialog as one form. */
export const FORM_CHOICE = 'form';

/**
 * A command is the whole message, in any case ("Back", "SKIP."), or a button carrying it. A
 * sentence that merely contains one of the words ("went back over fractions") is an answer.
 */
export function parseCommand(input: TurnInput): Command | undefined {
  if (input.kind === 'form') return undefined;
  const raw = input.kind === 'text' ? input.text : input.value;
  const text = raw.trim().toLowerCase().replace(/[.!]+$/, '').replace(/\s+/g, ' ');
  const simple = SIMPLE[text];
  if (simple !== undefined) return { kind: simple } as Command;
  const edit = /^edit(?: (.+))?$/.exec(text);
  if (edit) return { kind: 'edit', target: edit[1] ?? '' };
  return undefined;
}

/** The text of a typed message or button value, for trigger matching. */
export function inputText(input: TurnInput): string {
  if (input.kind === 'text') return input.text.trim();
  if (input.kind === 'choice') return input.value.trim();
  return '';
}
