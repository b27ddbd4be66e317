import { createHash } from 'node:crypto';
import type { DialogState } from './dialog-state.ts';
import type { Step } from './step.ts';

/** How soon after an answer the same words again count as the same message sent twice. */
export const QUICK_REPEAT_SECONDS = 10;

type LastAnswer = NonNullable<DialogState['lastAnswer']>;

function digestOf(text: string): string {
  return createHash('sha256').update(text.trim().replace(/\s+/g, ' ')).digest('hex').slice(0, 32);
}

/**
 * What to remember of a typed answer to judge the next message by: only free text (a choice typed
 * twice, "2" then "2" for two ratings, is two answers), as a digest, with when it came.
 */
export function rememberAnswer(step: Step, text: string, now: Date): LastAnswer | undefined {
  if (step.field?.kind === 'choice' || text.trim() === '') return undefined;
  return { step: step.name, digest: digestOf(text), at: now.toISOString() };
}

/**
 * The one rule for quick double sends: the same words as the last free-text answer, typed within
 * QUICK_REPEAT_SECONDS of it, are that answer sent twice (a double tap, a resend over a slow
 * connection; Slack gives each send its own event id). They are not recorded again and do not
 * answer the next question.
 */
export function isQuickRepeat(last: LastAnswer | undefined, text: string, now: Date): boolean {
  if (last === undefined) return false;
  const since = now.getTime() - Date.parse(last.at);
  return since >= 0 && since <= QUICK_REPEAT_SECONDS * 1000 && digestOf(text) === last.digest;
}
