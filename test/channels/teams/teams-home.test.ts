// Teams has no App Home: the same content (TrellisBot.home) comes as an Adaptive Card on install and
// when a person says `home`, against a fake Bot Connector at its HTTP edge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson } from '../../core/reports/report-fixture.ts';
import { cardBytes, MAX_CARD_BYTES } from '../../../src/channels/teams/adaptive-cards.ts';
import { homeCard } from '../../../src/channels/teams/home-card.ts';
import { cardProblems } from './support/card-validation.ts';
import { FakeBotConnector, type RecordedActivity } from './support/fake-bot-connector.ts';
import { executeActivity, installActivity, messageActivity, type TeamsUser, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';

const CARD = 'application/vnd.microsoft.card.adaptive';

let db: TestDatabase;
let connector: FakeBotConnector;
let app: RunningApp;
let school: SeededSchool;
let nextId = 1;
const users = { lm: teamsUser('lm'), tom: teamsUser('tom') };

beforeAll(async () => {
  db = await createTestDatabase();
  connector = new FakeBotConnector();
  await connector.start();
  school = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
  ]);
  const slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  for (const key of ['lm', 'tom'] as const) connector.members.set(users[key].id, `${key}@${slug}.example`);
  app = await startApp(loadConfig(teamsTestEnv(db.url)), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  await db?.drop();
});

type Card = { body: unknown[]; actions?: unknown[] };

async function post(activity: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  await response.text();
  return response.status;
}

const cardOf = (sent: RecordedActivity): Card | undefined => sent.activity.attachments?.find((a) => a.contentType === CARD)?.content as Card | undefined;

/** Every TextBlock's text in a card, in order, wherever it is nested. */
function cardTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(cardTexts);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const own = record.type === 'TextBlock' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...cardTexts(record.body), ...cardTexts(record.items)];
}

/** The buttons of a card's ActionSets: title and the data they send back. */
function cardButtons(node: unknown): { title: string; verb: string; data: { trellis: string; value: string } }[] {
  if (Array.isArray(node)) return node.flatMap(cardButtons);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const own = record.type === 'ActionSet' ? (record.actions as { title: string; verb: string; data: { trellis: string; value: string } }[]) : [];
  return [...own, ...cardButtons(record.body), ...cardButtons(record.items)];
}

function homeCards(user: TeamsUser): Card[] {
  return connector
    .to(user.conversationId)
    .flatMap((sent) => cardOf(sent) ?? [])
    .filter((card) => cardTexts(card)[0]?.startsWith('Your growth cycle') === true);
}

describe('the Teams home card (Teams has no App Home)', () => {
  it('002 §18: installing the app shows the same home content as Slack’s App Home as a card, within Teams’ size limit, with Who has seen my records', async () => {
    expect(await post(installActivity(users.tom, TENANT, connector.url, 'install-tom'))).toBe(200);
    const [card] = homeCards(users.tom);
    expect(card).toBeDefined();
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card as never)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const texts = cardTexts(card);
    const view = await app.bot.home(await knownPerson(db.prisma, school.ids.tom!));
    expect(texts[0]).toBe('Your growth cycle 2026/27');
    expect(texts[1]).toBe(`**Tom Teacher** · stage: **${view.stage}**`);
    const shown = texts.join('\n');
    for (const deadline of view.deadlines) expect(shown).toContain(deadline.label);
    expect(texts).toContain('Who has seen my records');
    expect(texts).toContain('Nobody but you.');
    expect(cardButtons(card).map((b) => b.title)).toEqual(view.actions.map((a) => a.label));
  });

  it('002 §18: `home` shows the card again; the manager’s card lists their reviewee, and that read appears on the reviewee’s card', async () => {
    expect(await post(installActivity(users.lm, TENANT, connector.url, 'install-lm'))).toBe(200);
    const lmCard = homeCards(users.lm).at(-1)!;
    expect(cardTexts(lmCard)).toContain('People you review');
    expect(cardTexts(lmCard).join('\n')).toMatch(/• \*\*Tom Teacher\*\* — \d+ open, \d+ overdue/);
    expect(await post(messageActivity(users.tom, TENANT, connector.url, `m-${nextId++}`, 'home'))).toBe(200);
    expect(homeCards(users.tom)).toHaveLength(2);
    const again = cardTexts(homeCards(users.tom).at(-1)).join('\n');
    expect(again).toContain('Lena Manager saw what is due and overdue in your cycle as your reviewer');
  });

  it('a home card button starts what it names, as on Slack’s App Home', async () => {
    const card = homeCards(users.tom).at(-1)!;
    const reflect = cardButtons(card).find((b) => b.data.value === 'reflect');
    expect(reflect).toMatchObject({ verb: 'trellis.home', data: { trellis: 'home', value: 'reflect' } });
    const before = connector.to(users.tom.conversationId).length;
    expect(await post(executeActivity(users.tom, TENANT, connector.url, `press-${nextId++}`, { verb: reflect!.verb, data: reflect!.data }, 'home-card'))).toBe(200);
    const after = connector.to(users.tom.conversationId).slice(before);
    expect(after.map((s) => s.activity.text ?? '').join('\n')).toMatch(/\*\*Self-reflection\*\* — answer with the buttons/);
  });

  it('a head with hundreds of people on their card gets one under Teams’ 28 KB that says what it left out', () => {
    const reviewees = Array.from({ length: 400 }, (_, i) => ({ id: `p${i}`, fullName: `Person Number ${i} With A Long Name`, open: 3, overdue: 1, next: 'Self-reflection — due Fri 16 Oct' }));
    const card = homeCard({ person: { id: 'h', fullName: 'Hana Head', role: 'headteacher' }, academicYear: 2026, stage: 'Planning', deadlines: [], reviewees, actions: [], seenBy: [] });
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardProblems(card)).toEqual([]);
    const texts = cardTexts(card);
    expect(texts).toContain('There is more than fits here: say `status` for the full list.');
    expect(texts.join('\n')).toContain('Person Number 0 With A Long Name');
    expect(texts).toContain('Who has seen my records');
  });
});
