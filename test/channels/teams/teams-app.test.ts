import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { NOT_ON_ROSTER } from '../../../src/core/bot/trellis-bot.ts';
import type { DigestMessage } from '../../../src/core/reminders/compose-digest.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { cardProblems } from './support/card-validation.ts';
import { FakeBotConnector, type RecordedActivity } from './support/fake-bot-connector.ts';
import { executeActivity, installActivity, messageActivity, submitActivity, type TeamsUser, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';

const CARD = 'application/vnd.microsoft.card.adaptive';

let db: TestDatabase;
let connector: FakeBotConnector;
let app: RunningApp;
let school: SeededSchool;
/** Every card Trellis showed: sent, updated in place, or returned from an invoke. */
const cardsSeen: unknown[] = [];
let nextId = 1000;

const users = { lm: teamsUser('lm'), tom: teamsUser('tom'), ana: teamsUser('ana'), stranger: teamsUser('stranger') };

beforeAll(async () => {
  db = await createTestDatabase();
  connector = new FakeBotConnector();
  await connector.start();
  school = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
    { key: 'ana', fullName: 'Ana Teacher', role: 'teacher', lineManager: 'lm' },
  ]);
  const slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  for (const key of ['lm', 'tom', 'ana'] as const) connector.members.set(users[key].id, `${key}@${slug}.example`);
  const env = teamsTestEnv(db.url);
  app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  await db?.drop();
});

async function post(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await response.text();
  const body = text === '' ? undefined : JSON.parse(text);
  const value = (body as { value?: { type?: string } } | undefined)?.value;
  if ((body as { type?: string } | undefined)?.type === CARD) cardsSeen.push(value);
  return { status: response.status, body };
}

const say = (user: TeamsUser, text: string) => post(messageActivity(user, TENANT, connector.url, `m-${nextId++}`, text));

function cardOf(sent: RecordedActivity): { body: { text?: string }[]; actions?: { title: string; verb: string; data: Record<string, unknown> }[] } | undefined {
  return sent.activity.attachments?.find((a) => a.contentType === CARD)?.content as never;
}

function lastCard(user: TeamsUser): RecordedActivity {
  const cards = connector.to(user.conversationId).filter((s) => cardOf(s) !== undefined);
  return cards.at(-1)!;
}

function textsTo(user: TeamsUser): string[] {
  return connector.to(user.conversationId).map((s) => s.activity.text ?? JSON.stringify(cardOf(s)));
}

/** Presses the button whose data value is `value` on the user's latest card, by Action.Execute or the Action.Submit fallback. */
async function press(user: TeamsUser, value: string, how: 'execute' | 'submit' = 'execute') {
  const sent = lastCard(user);
  const action = cardOf(sent)!.actions!.find((a) => a.data.value === value);
  if (action === undefined) throw new Error(`no button ${value} on ${JSON.stringify(cardOf(sent))}`);
  const id = `press-${nextId++}`;
  if (how === 'submit') return post(submitActivity(user, TENANT, connector.url, id, (action as unknown as { fallback: { data: unknown } }).fallback.data, sent.id));
  return post(executeActivity(user, TENANT, connector.url, id, { verb: action.verb, data: action.data }, sent.id));
}

describe('Teams personal chat (issue 7)', () => {
  it('welcomes a person who installs the app and stores the conversation reference, serviceUrl included', async () => {
    for (const key of ['lm', 'tom', 'ana'] as const) {
      const response = await post(installActivity(users[key], TENANT, connector.url, `install-${key}`));
      expect(response.status).toBe(200);
    }
    const welcome = textsTo(users.tom);
    // The greeting and the help are one message, in that order.
    expect(welcome[0]).toMatch(/^Hello Tom! I’m Trellis[\s\S]*`reflect` — your self-reflection/);
    const identity = await db.prisma.platformIdentity.findFirstOrThrow({ where: { personId: school.ids.tom! } });
    expect(identity).toMatchObject({ platform: 'teams', tenantId: TENANT, platformUserId: users.tom.aadObjectId, reachable: true });
    expect(identity.conversationRef).toMatchObject({ serviceUrl: connector.url, conversationId: users.tom.conversationId, tenantId: TENANT });
  });

  it('tells someone not on the roster so, and stores nothing about them', async () => {
    const response = await say(users.stranger, 'hello');
    expect(response.status).toBe(200);
    expect(textsTo(users.stranger)).toEqual([NOT_ON_ROSTER]);
    expect(await db.prisma.platformIdentity.count({ where: { platformUserId: users.stranger.aadObjectId } })).toBe(0);
  });

  it('runs a whole Kingsmead self-reflection (001) by card buttons and typed replies, updating answered cards in place', async () => {
    await say(users.tom, 'reflect');
    expect(textsTo(users.tom).join('\n')).toMatch(/\*\*Self-reflection\*\* — answer with the buttons/);
    const headings = ['ts1', 'ts2', 'ts3', 'ts4', 'ts5', 'ts6', 'ts7', 'ts8', 'part-two'];
    for (const [i, heading] of headings.entries()) {
      const rating = i % 2 === 0 ? 'mostly' : 'fully';
      if (i === 1) {
        const card = lastCard(users.tom);
        await press(users.tom, rating, 'submit');
        const update = connector.updates.at(-1)!;
        expect(update.activityId).toBe(card.id);
        const replaced = update.activity.attachments![0]!.content as { actions?: unknown[]; body: { text: string }[] };
        cardsSeen.push(replaced);
        expect(replaced.actions).toBeUndefined();
        expect(replaced.body.at(-1)!.text).toMatch(/^✓ /);
      } else if (i === 2) {
        await say(users.tom, '1');
      } else {
        const response = await press(users.tom, rating);
        const body = response.body as { statusCode: number; type: string; value: { actions?: unknown[]; body: { text: string }[] } };
        expect(body).toMatchObject({ statusCode: 200, type: CARD });
        expect(body.value.actions).toBeUndefined();
        expect(body.value.body.at(-1)!.text).toMatch(/^✓ I am/);
      }
      await say(users.tom, `Next step for ${heading}`);
    }
    await say(users.tom, 'Relationships with pupils');
    await say(users.tom, 'Adaptive teaching for SEND');
    await say(users.tom, 'Questioning');
    expect(textsTo(users.tom).join('\n')).toMatch(/Is this ready to submit\?/);
    await press(users.tom, 'submit');
    expect(textsTo(users.tom).at(-1)).toMatch(/your self-reflection is saved and Lena can see it/);

    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: school.cycles.tom! } });
    expect(saved).toMatchObject({ framework: 'teachers', status: 'submitted', strengths: 'Relationships with pupils', areasForGrowth: 'Adaptive teaching for SEND' });
    const entries = saved.entries as { kind: string; standard?: string; rating?: string; nextSteps?: string }[];
    expect(entries.filter((e) => e.kind === 'standard').map((e) => [e.standard, e.rating])).toEqual(headings.map((h, i) => [h, i === 2 ? 'fully' : i % 2 === 0 ? 'mostly' : 'fully']));
    expect(entries[8]).toMatchObject({ nextSteps: 'Next step for part-two' });
    // The line manager hears through her own stored reference (a turn's notification), once the job worker delivers what the turn queued.
    expect(textsTo(users.lm)).not.toContain('Tom Teacher has completed their self-reflection.');
    await runDueJobs(db.url, app.jobs);
    expect(textsTo(users.lm)).toContain('Tom Teacher has completed their self-reflection.');
  });

  it('applies a redelivered activity once (same activity id)', async () => {
    const before = connector.to(users.ana.conversationId).length;
    const first = messageActivity(users.ana, TENANT, connector.url, 'dup-1', 'log Tried think-pair-share with 9X');
    expect((await post(first)).status).toBe(200);
    expect((await post(first)).status).toBe(200);
    expect(connector.to(users.ana.conversationId).length).toBe(before + 1);
    expect(await db.prisma.diaryEntry.count({ where: { personId: school.ids.ana! } })).toBe(1);
  });

  it('delivers a reminder digest proactively through the stored reference, as one card with per-item buttons', async () => {
    const message: DigestMessage = {
      recipientId: school.ids.ana!,
      date: '2026-10-05',
      title: 'Your growth cycle: 1 thing',
      items: [{ obligationKey: 'ob-1', label: 'Self-reflection', dueOn: '2026-10-16', rule: '001 §3', state: 'due-soon', point: 'due-in-10', actions: [{ label: 'Start', value: 'start:ob-1' }, { label: 'Done', value: 'done:ob-1' }] }],
    };
    const result = await app.router.deliver({ key: 'digest:ana:2026-10-05', recipient: { id: school.ids.ana!, email: 'ana@x', fullName: 'Ana Teacher' }, message });
    expect(result).toEqual({ ok: true });
    const card = cardOf(lastCard(users.ana))!;
    expect(JSON.stringify(card)).toContain('Your growth cycle: 1 thing');
    expect(JSON.stringify(card)).toContain('"value":"start:ob-1"');
  });

  it('retries a 429 from the connector (Retry-After honoured) and then delivers', async () => {
    connector.throttle.set(users.ana.conversationId, 2);
    const result = await app.router.sendTo(school.ids.ana!, [{ type: 'text', text: 'After the throttle' }], 'k-429');
    expect(result).toEqual({ ok: true });
    expect(textsTo(users.ana).at(-1)).toBe('After the throttle');
    expect(connector.throttle.get(users.ana.conversationId)).toBe(0);
  });

  it('marks someone who removed the app (403) unreachable and queues one note to their line manager with the change, which the job engine delivers once', async () => {
    connector.blocked.add(users.ana.conversationId);
    const before = textsTo(users.lm).length;
    const first = await app.router.sendTo(school.ids.ana!, [{ type: 'text', text: 'Your plan meeting is next week' }], 'k-403');
    expect(first.ok).toBe(false);
    const identity = await db.prisma.platformIdentity.findFirstOrThrow({ where: { personId: school.ids.ana! } });
    expect(identity.reachable).toBe(false);
    // Queued with the change, keyed by the account, not sent by the channel.
    expect(textsTo(users.lm).slice(before)).toEqual([]);
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: `unreachable:teams:${TENANT}:${users.ana.aadObjectId}` } });
    expect(row).toMatchObject({ recipientId: school.ids.lm!, status: 'pending' });
    const again = await app.router.sendTo(school.ids.ana!, [{ type: 'text', text: 'Another reminder' }], 'k-403b');
    expect(again.ok).toBe(false);
    await runDueJobs(db.url, app.jobs);
    await runDueJobs(db.url, app.jobs);
    expect(textsTo(users.lm).slice(before)).toEqual(['Ana Teacher has removed Trellis from Teams (or blocked it), so their growth-cycle reminders can’t reach them. Please ask them to add the Trellis app again.']);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: { startsWith: 'unreachable:' } } })).toBe(1);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent' });
  });

  it('makes someone reachable again when they reinstall, and refreshes the serviceUrl from their messages', async () => {
    connector.blocked.delete(users.ana.conversationId);
    await post(installActivity(users.ana, TENANT, connector.url, 'reinstall-ana'));
    expect((await db.prisma.platformIdentity.findFirstOrThrow({ where: { personId: school.ids.ana! } })).reachable).toBe(true);
    const moved = `${connector.url}emea/`;
    await post(messageActivity(users.ana, TENANT, moved, 'moved-1', 'status'));
    const identity = await db.prisma.platformIdentity.findFirstOrThrow({ where: { personId: school.ids.ana! } });
    expect(identity.conversationRef).toMatchObject({ serviceUrl: moved });
    expect(await app.router.sendTo(school.ids.ana!, [{ type: 'text', text: 'Welcome back' }], 'k-back')).toEqual({ ok: true });
    expect(textsTo(users.ana).at(-1)).toBe('Welcome back');
  });

  it('refuses a badly formed body with a plain 400', async () => {
    const response = await fetch(`${app.server.url}/api/messages`, { method: 'POST', body: '{not json' });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/at .*\.(ts|js)/);
  });

  it('sends only cards that parse cleanly in the adaptivecards library and stay under 28 KB', () => {
    const sent = connector.sent.flatMap((s) => (s.activity.attachments ?? []).filter((a) => a.contentType === CARD).map((a) => a.content));
    const all = [...sent, ...cardsSeen];
    expect(sent.length).toBeGreaterThan(10);
    expect(cardsSeen.length).toBeGreaterThan(5);
    for (const card of all) {
      expect(cardProblems(card)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
    }
  });
});
