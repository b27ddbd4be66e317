import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import type { TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { storageBot } from '../../support/records-bot.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson } from '../reports/report-fixture.ts';

let db: TestDatabase;
let bot: TrellisBot;
let tia: Actor;

beforeAll(async () => {
  db = await createTestDatabase();
  const s = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hugh Head', role: 'headteacher', obligations: [] },
    { key: 'tia', fullName: 'Tia Teacher', role: 'teacher', lineManager: 'head', obligations: [{ kind: 'check-in', label: 'Autumn check-in', dueOn: '2026-12-11', ownerRole: 'reviewer' }] },
  ]);
  bot = storageBot(db.prisma, fixedClock('2026-11-23T10:00:00Z'));
  tia = { person: await knownPerson(db.prisma, s.ids.tia!), account: { platform: 'teams', tenant: 'tenant-1', userId: 'aad-tia' } };
});
afterAll(() => db.drop());

describe('what a channel shows is decided in the core, as effects it only renders', () => {
  it('the welcome on install: a greeting by first name with the help, then the person’s home — and nothing saved, since it answers nothing they wrote', async () => {
    const effects = await bot.welcomeFlow(tia, `${randomUUID()}:welcome`);
    expect(effects.map((e) => e.kind)).toEqual(['reply', 'home']);
    const [reply, home] = effects;
    if (reply?.kind !== 'reply' || home?.kind !== 'home') throw new Error('unexpected effects');
    expect(messageText(reply.messages[0]!)).toMatch(/^Hello Tia! I’m Trellis\./);
    expect(reply.messages.length).toBeGreaterThan(1);
    expect(reply.replyKey).toBeUndefined();
    expect(home.view).toEqual(await bot.home(tia.person));
  });

  it('`home` where the channel has no home tab: the same home as an effect', async () => {
    expect(await bot.homeFlow(tia)).toEqual([{ kind: 'home', view: await bot.home(tia.person) }]);
  });
});
