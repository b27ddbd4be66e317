import type { Policy } from '../policy/policy-schema.ts';

export type ReminderWindow = Policy['reminders']['window'];

const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Reads a daily reminder window written `HH:MM-HH:MM` in the school's (London) time, e.g.
 * `15:30-17:00` for after lessons. The end must come after the start: a window across midnight
 * would send nudges at night, which the Brief rules out.
 */
export function parseReminderWindow(text: string): { ok: true; window: ReminderWindow } | { ok: false; error: string } {
  const match = WINDOW.exec(text.trim().replace(/\s*[–—]\s*|\s+-\s+/, '-'));
  if (match === null) return { ok: false, error: `--reminder-window should be two 24-hour times like 15:30-17:00, not "${text}".` };
  const start = `${match[1]}:${match[2]}`;
  const end = `${match[3]}:${match[4]}`;
  if (end <= start) return { ok: false, error: `The reminder window must end after it starts (${start} to ${end}).` };
  return { ok: true, window: { start, end } };
}

/** The policy with its reminder window replaced; everything else as it was. */
export function withReminderWindow(policy: Policy, window: ReminderWindow): Policy {
  return { ...policy, reminders: { ...policy.reminders, window } };
}
