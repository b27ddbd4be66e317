import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import { type ThreadPlace, TrellisBot, type TrellisBotDeps } from '../../../src/core/bot/trellis-bot.ts';
import { type Effect, replyEffects, type ThreadOpener, type ThreadToOpen, turnEffects } from '../../../src/core/bot/turn-flow.ts';
import { ALL_DIALOGS } from '../../../src/core/conversations/dialogs/all-dialogs.ts';
import { FORM_CHOICE } from '../../../src/core/conversations/engine/commands.ts';
import { messageText, say } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { PrismaActiveThreads } from '../../../src/storage/prisma/prisma-active-threads.ts';
import { PrismaSentReplies } from '../../../src/storage/prisma/prisma-notification-queue.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { newEngine, OCTOBER } from '../conversations/support/chat.ts';

let db: TestDatabase;
let s: SeededSchool;
let bot: TrellisBot;

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lena', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lena' },
  ]);
  // Reports and reminder actions are not reached by these words.
  bot = new TrellisBot({ engine: newEngine(db.prisma), dialogs: ALL_DIALOGS, clock: OCTOBER, threads: new PrismaActiveThreads(db.prisma), replies: new PrismaSentReplies(db.prisma) } as unknown as TrellisBotDeps);
});
afterAll(() => db.drop());

function tom(): Actor {
  return {
    person: { id: s.ids.tom!, schoolId: s.schoolId, fullName: 'Tom Teacher', email: 'tom@x.example', role: 'teacher', active: true },
    account: { platform: 'slack', tenant: `T-${randomUUID()}`, userId: 'UTOM' },
  };
}

/** A channel's thread opener that records what it was asked to open, with a DM thread of its own for each. */
function recordingOpener(): ThreadOpener & { opened: ThreadToOpen[] } {
  const opened: ThreadToOpen[] = [];
  return {
    opened,
    openThread: async (thread) => {
      opened.push(thread);
      return { threadKey: `DTOM:${opened.length}.0001`, messageId: thread.messageId, replyTo: { conversation: 'DTOM', thread: `${opened.length}.0001` } };
    },
  };
}

async function replyRow(key: string) {
  const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key } });
  const [jobs] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = ${key}`;
  return { status: row.status, sending: row.sendingSince !== null, jobs: jobs?.n ?? 0 };
}

describe('one turn flow in the core: the channel opens threads and renders effects, the core decides the rest', () => {
  it('a typed trigger: the channel is asked for a thread, the dialog starts in it, and its reply comes back as an effect saved with the turn', async () => {
    const opener = recordingOpener();
    const actor = tom();
    const messageId = randomUUID();
    const effects = await bot.commandFlow(actor, 'reflect', messageId, opener);
    expect(opener.opened).toEqual([{ dialogId: 'self-reflection', title: expect.stringMatching(/^Self-reflection · 2026\/27/), messageId }]);
    expect(effects.map((e) => e.kind)).toEqual(['dialog-started', 'reply']);
    const [started, reply] = effects as [Extract<Effect, { kind: 'dialog-started' }>, Extract<Effect, { kind: 'reply' }>];
    expect(started.place).toEqual(reply.place);
    expect(reply.place?.threadKey).toBe('DTOM:1.0001');
    expect(reply.messages.map(messageText).join('\n')).toMatch(/Teachers’ Standard/);
    // Saved with the turn, marked as being sent, with no job: the pass over stalled sends gives it one if the channel never says it was sent.
    expect(reply.replyKey).toBe(`reply:slack:${actor.account.tenant}:${messageId}`);
    expect(await replyRow(reply.replyKey!)).toEqual({ status: 'pending', sending: true, jobs: 0 });
  });

  it('rendering shows each effect in order and reports a saved reply sent once shown: its row is sent, and it never had a job', async () => {
    const effects = await bot.commandFlow(tom(), 'reflect', randomUUID(), recordingOpener());
    const reply = effects.find((e) => e.kind === 'reply');
    const shown: string[] = [];
    await bot.render(effects, {
      render: async (effect) => {
        // Reported only after the channel has it: still pending while it is being shown.
        if (effect.kind === 'reply') expect((await replyRow(reply?.kind === 'reply' ? reply.replyKey! : '')).status).toBe('pending');
        shown.push(effect.kind);
      },
    });
    expect(shown).toEqual(['dialog-started', 'reply']);
    expect(await replyRow(reply?.kind === 'reply' ? reply.replyKey! : '')).toEqual({ status: 'sent', sending: false, jobs: 0 });
  });

  it('a request delivered again starts nothing and shows nothing: the first one’s thread has the replies', async () => {
    const actor = tom();
    const messageId = randomUUID();
    await bot.commandFlow(actor, 'reflect', messageId, recordingOpener());
    expect(await bot.commandFlow(actor, 'reflect', messageId, recordingOpener())).toEqual([]);
  });

  it('an answer in the dialog’s thread is a reply effect in that thread; words that start nothing are a reply where they were typed, with nothing saved', async () => {
    const actor = tom();
    const effects = await bot.commandFlow(actor, 'reflect', randomUUID(), recordingOpener());
    const place = (effects.find((e) => e.kind === 'dialog-started') as { place: ThreadPlace }).place;
    const answer = await bot.messageFlow(actor, { ...place, messageId: randomUUID() }, { kind: 'text', text: 'mostly' });
    expect(answer.effects).toEqual([{ kind: 'reply', messages: answer.result.messages, place: { ...place, messageId: expect.stringMatching(/\S/) }, replyKey: answer.result.replyKey }]);
    const typed = await bot.commandFlow(tom(), 'fully', randomUUID(), recordingOpener());
    expect(typed).toEqual([{ kind: 'reply', messages: [expect.objectContaining({ type: 'text' }), expect.objectContaining({ type: 'text' })] }]);
  });

  it('a file carried by a reply is a `file` effect of its own after it, in the same place and under the same key, with the very same bytes; the reply names the files that follow it', () => {
    const invitation = { filename: 'check-in.ics', contentType: 'text/calendar; method=REQUEST', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' };
    const place: ThreadPlace = { threadKey: 'DTOM:1.0001', messageId: 'm', replyTo: { conversation: 'DTOM', thread: '1.0001' } };
    const effects = replyEffects([say('Booked: Tue 10 Nov, 15:30.'), { type: 'text', text: 'Add it to your calendar.', attachment: invitation }, say('Anything else?')], place, 'reply:k');
    expect(effects).toEqual([
      { kind: 'reply', messages: [say('Booked: Tue 10 Nov, 15:30.'), say('Add it to your calendar.'), say('Anything else?')], place, replyKey: 'reply:k', files: [invitation] },
      { kind: 'file', file: invitation, place, replyKey: 'reply:k' },
    ]);
    expect((effects[1] as Extract<Effect, { kind: 'file' }>).file).toBe(invitation);
    expect(replyEffects([])).toEqual([]);
  });

  it('a saved reply with files is reported sent only once its last file is shown, so a file cut off is still the job engine’s to send', async () => {
    const effects = await bot.commandFlow(tom(), 'reflect', randomUUID(), recordingOpener());
    const reply = effects.find((e) => e.kind === 'reply') as Extract<Effect, { kind: 'reply' }>;
    const file = { filename: 'a.pdf', contentType: 'application/pdf', content: 'JVBERi0=', encoding: 'base64' as const };
    const withFiles: Effect[] = [...effects, { kind: 'file', file, place: reply.place, replyKey: reply.replyKey }, { kind: 'file', file, place: reply.place, replyKey: reply.replyKey }];
    const statuses: string[] = [];
    await bot.render(withFiles, { render: async (effect) => void statuses.push(`${effect.kind}:${(await replyRow(reply.replyKey!)).status}`) });
    expect(statuses).toEqual(['dialog-started:pending', 'reply:pending', 'file:pending', 'file:pending']);
    expect(await replyRow(reply.replyKey!)).toEqual({ status: 'sent', sending: false, jobs: 0 });
  });

  it('“Answer in a form” is decided in the core: the section form comes back as an `ask-form` for the thread it answers, and a thread with no form says so as a reply', async () => {
    const actor = tom();
    const effects = await bot.commandFlow(actor, 'plan', randomUUID(), recordingOpener());
    const place = (effects.find((e) => e.kind === 'dialog-started') as { place: ThreadPlace }).place;
    const replies = effects.flatMap((e) => (e.kind === 'reply' ? e.messages : []));
    expect(replies.some((m) => m.type === 'choices' && m.choices.some((c) => c.value === FORM_CHOICE))).toBe(true);
    const asked = await bot.formFlow(actor, { ...place, messageId: randomUUID() });
    expect(asked).toEqual([{ kind: 'ask-form', message: expect.objectContaining({ type: 'form', section: expect.any(String) }), place: expect.objectContaining({ threadKey: place.threadKey }) }]);
    const none = await bot.formFlow(actor, { threadKey: `DTOM:none-${randomUUID()}`, messageId: randomUUID() });
    expect(none.map((e) => e.kind)).toEqual(['reply']);
  });

  it('who else a turn told is a `notified` effect after its reply, once each and never the person themself', () => {
    const effects = turnEffects({ messages: [say('Saved.')], duplicate: false, notified: [{ personId: 'lena' }, { personId: 'tom' }, { personId: 'lena' }, { name: 'Gill Governor' }] }, undefined, 'tom');
    expect(effects).toEqual([
      { kind: 'reply', messages: [say('Saved.')] },
      { kind: 'notified', personId: 'lena' },
      { kind: 'notified', name: 'Gill Governor' },
    ]);
    expect(turnEffects({ messages: [say('Saved.')], duplicate: true, notified: [{ personId: 'lena' }] })).toEqual([]);
  });
});
