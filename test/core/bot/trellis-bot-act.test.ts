import { describe, expect, it } from 'vitest';
import type { Actor, ReminderActionOutcome } from '../../../src/core/bot/bot-ports.ts';
import { TrellisBot, type TrellisBotDeps } from '../../../src/core/bot/trellis-bot.ts';
import type { OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';

const actor: Actor = {
  person: { id: '0199a000-0000-7000-8000-000000000001', schoolId: 's', fullName: 'Tom Teacher', email: 'tom@example.org', role: 'teacher', active: true },
  account: { platform: 'local', tenant: 'local', userId: 'tom' },
};

/** A bot whose reminder actions answer `outcome`, recording what it asks the notifier to send. */
function botAnswering(outcome: ReminderActionOutcome) {
  const sent: { personId: string; messages: readonly OutgoingMessage[]; key: string }[] = [];
  const deps = {
    actions: { act: async () => outcome },
    clock: fixedClock('2026-10-05T15:30:00Z'),
    notifier: {
      sendTo: async (personId: string, messages: readonly OutgoingMessage[], key: string) => {
        sent.push({ personId, messages, key });
        return { ok: true };
      },
    },
  } as unknown as TrellisBotDeps;
  return { bot: new TrellisBot({ ...deps, dialogs: [] }), sent };
}

describe('TrellisBot.act', () => {
  it('tells the other people a reminder action concerns, whichever channel it came from (issue 6 "a reason that the reviewer sees")', async () => {
    const note = [{ type: 'text' as const, text: 'Tom marked “Check-in” not applicable: on a course that week.' }];
    const { bot, sent } = botAnswering({ kind: 'reply', messages: [{ type: 'text', text: 'Done — marked not applicable.' }], notifications: [{ personId: 'reviewer-1', messages: note }] });
    const outcome = await bot.act(actor, 'na:k1', { reason: 'on a course that week' });
    expect(outcome).toEqual({ kind: 'reply', messages: [{ type: 'text', text: 'Done — marked not applicable.' }] });
    expect(sent).toEqual([{ personId: 'reviewer-1', messages: note, key: `act:${actor.person.id}:na:k1:0` }]);
  });

  it('passes other outcomes through untouched and notifies nobody', async () => {
    const { bot, sent } = botAnswering({ kind: 'start-dialog', dialogId: 'feedback-conversation', trigger: 'feedback', targetPersonId: 'p2' });
    expect(await bot.act(actor, 'start:k2')).toEqual({ kind: 'start-dialog', dialogId: 'feedback-conversation', trigger: 'feedback', targetPersonId: 'p2' });
    expect(sent).toEqual([]);
  });
});
