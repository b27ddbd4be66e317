import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { cardProblems } from './support/card-validation.ts';
import { FakeBotConnector, type RecordedActivity } from './support/fake-bot-connector.ts';
import { FakeMicrosoftLogin } from './support/fake-microsoft-login.ts';
import { messageActivity, submitActivity, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';

const CARD = 'application/vnd.microsoft.card.adaptive';
const HEADINGS = ['ts1', 'ts2', 'ts3', 'ts4', 'ts5', 'ts6', 'ts7', 'ts8', 'part-two'];

interface CardElement {
  type: string;
  id?: string;
  text?: string;
  value?: string;
  color?: string;
}
interface CardAction {
  type: string;
  title: string;
  data: Record<string, unknown>;
  fallback?: { type: string; data: Record<string, unknown> };
}
interface Card {
  body: CardElement[];
  actions?: CardAction[];
}

let db: TestDatabase;
let connector: FakeBotConnector;
let login: FakeMicrosoftLogin;
let app: RunningApp;
let school: SeededSchool;
let clientId: string;
let nextId = 1;
const tom = teamsUser('tom');

beforeAll(async () => {
  db = await createTestDatabase();
  connector = new FakeBotConnector();
  await connector.start();
  login = new FakeMicrosoftLogin();
  await login.start();
  school = await seedSchool(db.prisma, 'kingsmead', [{ key: 'tom', fullName: 'Tom Teacher', role: 'teacher' }]);
  const slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  connector.members.set(tom.id, `tom@${slug}.example`);
  // Authentication on: every activity below carries a Bot Framework token signed by the fake sign-in service.
  const env: Record<string, string> = { ...teamsTestEnv(db.url, { auth: true }), TEAMS_LOGIN_URL: login.url };
  clientId = env.TEAMS_CLIENT_ID!;
  app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await login?.close();
  await connector?.close();
  await db?.drop();
});

/** Posts an activity to the running app on its real port, signed as the Bot Framework signs it. */
async function post(activity: Record<string, unknown>): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  const token = login.token({ iss: 'https://api.botframework.com', aud: clientId, serviceurl: connector.url, iat: now - 60, nbf: now - 60, exp: now + 3600 }, 'bot-framework');
  const response = await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(activity) });
  await response.text();
  return response.status;
}

function cardOf(sent: { activity: RecordedActivity['activity'] }): Card | undefined {
  return sent.activity.attachments?.find((a) => a.contentType === CARD)?.content as Card | undefined;
}

/** The latest card sent to Tom with an action whose data passes `match`. */
function lastCardWith(match: (action: CardAction) => boolean): { sent: RecordedActivity; card: Card; action: CardAction } {
  for (const sent of connector.to(tom.conversationId).toReversed()) {
    const card = cardOf(sent);
    const action = card?.actions?.find(match);
    if (card !== undefined && action !== undefined) return { sent, card, action };
  }
  throw new Error(`no such card among: ${JSON.stringify(connector.to(tom.conversationId).map((s) => s.activity.text ?? cardOf(s)))}`);
}

/** An Action.Submit press: the Submit fallback's data with the card's inputs merged in, as Teams sends it. */
function submit(sentId: string, action: CardAction, inputs: Record<string, string> = {}): Promise<number> {
  const data = action.fallback?.data ?? action.data;
  return post(submitActivity(tom, TENANT, connector.url, `submit-${nextId++}`, { ...data, ...inputs }, sentId));
}

const inputsOf = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([id, value]) => [`f_${id}`, value]));

describe('a Teams Adaptive Card form end to end: the real app on its port, signed activities, the fake Bot Connector on loopback', () => {
  it('001 Appendix A: Tom asks for the standards as a form, sends it with one refused answer (the card comes back in place with the error and what he typed), sends it again, answers the closing form, submits, and his reflection is saved', async () => {
    expect(await post(messageActivity(tom, TENANT, connector.url, `m-${nextId++}`, 'reflect'))).toBe(200);
    const offer = lastCardWith((a) => a.data.value === 'form');
    expect(await submit(offer.sent.id, offer.action)).toBe(200);

    const form = lastCardWith((a) => a.data.trellis === 'form');
    expect(cardProblems(form.card)).toEqual([]);
    const inputs = form.card.body.filter((e) => e.type.startsWith('Input.')).map((e) => e.id);
    expect(inputs).toEqual(HEADINGS.flatMap((h) => [`f_${h}-rating`, `f_${h}-next`]));
    expect(form.action.fallback?.type).toBe('Action.Submit');

    const values: Record<string, string> = {};
    for (const h of HEADINGS) {
      values[`${h}-rating`] = '3';
      values[`${h}-next`] = `Next step for ${h}`;
    }
    expect(await submit(form.sent.id, form.action, inputsOf({ ...values, 'ts2-rating': 'pretty good' }))).toBe(200);
    // The refused form replaces the card Tom sent, in place (Action.Submit has no invoke response: a PUT).
    const replaced = connector.updates.filter((u) => u.activityId === form.sent.id).at(-1)!;
    const back = cardOf(replaced)!;
    expect(cardProblems(back)).toEqual([]);
    expect(back.body.find((e) => e.id === 'f_ts2-rating')?.value).toBe('pretty good');
    expect(back.body.find((e) => e.id === 'f_ts4-next')?.value).toBe('Next step for ts4');
    expect(back.body.some((e) => e.color === 'Attention' && /couldn’t match “pretty good”/.test(e.text ?? ''))).toBe(true);
    expect(connector.to(tom.conversationId).at(-1)?.activity.text).toMatch(/^One answer needs another look — the other 17 are saved\./);

    const again = back.actions!.find((a) => a.data.trellis === 'form')!;
    expect(await submit(form.sent.id, again, inputsOf({ ...values, 'ts2-rating': '2' }))).toBe(200);
    const done = cardOf(connector.updates.filter((u) => u.activityId === form.sent.id).at(-1)!)!;
    expect(done.body[0]?.text).toMatch(/^✓ /);
    expect(connector.to(tom.conversationId).some((s) => /^Saved all 18 answers from the form\./.test(s.activity.text ?? ''))).toBe(true);

    const closingOffer = lastCardWith((a) => a.data.value === 'form');
    expect(await submit(closingOffer.sent.id, closingOffer.action)).toBe(200);
    const closing = lastCardWith((a) => a.data.trellis === 'form');
    expect(closing.sent.id).not.toBe(form.sent.id);
    expect(await submit(closing.sent.id, closing.action, inputsOf({ 'closing-strengths': 'Relationships', 'closing-development-needs': 'Adaptive teaching', 'closing-suggested-focus': 'Questioning' }))).toBe(200);
    const confirm = lastCardWith((a) => a.data.value === 'submit');
    expect(await submit(confirm.sent.id, confirm.action)).toBe(200);

    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: school.cycles.tom! } });
    expect(saved).toMatchObject({ strengths: 'Relationships', areasForGrowth: 'Adaptive teaching' });
    const entries = saved.entries as { kind: string; standard?: string; rating?: string; nextSteps?: string }[];
    // "2" is the second of 001 Appendix A's levels, typed as its number.
    expect(entries.find((e) => e.standard === 'ts2')).toMatchObject({ rating: 'mostly', nextSteps: 'Next step for ts2' });
    // Trellis's own calls to the connector carry the token the sign-in service gave the app.
    expect(login.fetched).toContain(`/${TENANT}/oauth2/v2.0/token`);
    expect(new Set(connector.sent.map((s) => s.authorization?.split(' ')[0]))).toEqual(new Set(['Bearer']));
    // Every card Trellis sent or put in place parses cleanly in the adaptivecards library.
    for (const sent of [...connector.sent, ...connector.updates]) {
      const card = cardOf(sent);
      if (card !== undefined) expect(cardProblems(card)).toEqual([]);
    }
  });
});
