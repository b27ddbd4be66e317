import { describe, expect, it } from 'vitest';
import type { Actor, ReminderActionOutcome } from '../../../src/core/bot/bot-ports.ts';
import { TrellisBot, type TrellisBotDeps } from '../../../src/core/bot/trellis-bot.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';

const actor: Actor = {
  person: { id: '0199a000-0000-7000-8000-000000000001', schoolId: 's', fullName: 'Tom Teacher', email: 'tom@example.org', role: 'teacher', active: true },
  account: { platform: 'local', tenant: 'local', userId: 'tom' },
};

/** A bot whose reminder actions answer `outcome`. */
function botAnswering(outcome: ReminderActionOutcome) {
  const deps = { actions: { act: async () => outcome }, clock: fixedClock('2026-10-05T15:30:00Z') } as unknown as TrellisBotDeps;
  return new TrellisBot({ ...deps, dialogs: [] });
}

describe('TrellisBot.act', () => {
  // Telling the reviewer is queued with the change itself (reminder-actions.test.ts), whichever channel the press came from.
  it('passes a reply through untouched: the channel shows only what the presser is told', async () => {
    const bot = botAnswering({ kind: 'reply', messages: [{ type: 'text', text: 'Done — marked not applicable.' }] });
    expect(await bot.act(actor, 'na:k1', { reason: 'on a course that week' })).toEqual({ kind: 'reply', messages: [{ type: 'text', text: 'Done — marked not applicable.' }] });
  });

  it('passes a dialog to start through untouched', async () => {
    const bot = botAnswering({ kind: 'start-dialog', dialogId: 'feedback-conversation', trigger: 'feedback', targetPersonId: 'p2' });
    expect(await bot.act(actor, 'start:k2')).toEqual({ kind: 'start-dialog', dialogId: 'feedback-conversation', trigger: 'feedback', targetPersonId: 'p2' });
  });
});
