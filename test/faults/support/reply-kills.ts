import { REPLY_GRACE_SECONDS } from '../../../src/core/notifications/notification-queue.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import type { FakeSlack, RecordedCall } from '../../channels/slack/support/fake-slack.ts';
import { postEvent } from '../../channels/slack/support/signed-requests.ts';
import { makeWaitingJobsDue } from '../../core/reminders/support/job-runs.ts';
import { type SeededSchool, type SeedPerson, seedSchool } from '../../support/seed-school.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { type Signal, startAppProcess } from './slack-app-events.ts';
import { addEveryoneToSlack, startSlackApp } from './slack-world.ts';
import { ageKilledWorkersHeartbeats, type WorkerProcess } from './worker-processes.ts';

/**
 * What the fault tests of saved replies share: recognising a reply's posts, killing the app at a
 * chosen point of a reply's send, bringing a fresh one up, letting the job engine finish, and
 * counting what Slack holds.
 */

export interface ReplyPart {
  key: string;
  part: number;
  of: number;
}

/** A post of a saved reply (its `reply:` key in the message metadata), whatever Slack answered. */
export function replyPartOf(call: RecordedCall): ReplyPart | undefined {
  if (call.method !== 'chat.postMessage') return undefined;
  const metadata = call.body.metadata as { event_type?: string; event_payload?: { key?: unknown; part?: unknown; of?: unknown } } | undefined;
  const payload = metadata?.event_payload;
  if (metadata?.event_type !== 'trellis_delivery' || typeof payload?.key !== 'string' || !payload.key.startsWith('reply:')) return undefined;
  return { key: payload.key, part: Number(payload.part), of: Number(payload.of) };
}

/** The app process serving Slack now; `ready` is pending while it is being replaced. */
export interface Serving {
  process: WorkerProcess;
  url: string;
  ready: Promise<void>;
}

/** Posts one event until the app acknowledges it, as Slack retries an event not answered 200. */
export async function deliverUntilAcked(serving: Serving, envelope: Record<string, unknown>, acknowledged: () => void): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await serving.ready;
    const headers: Record<string, string> = attempt === 0 ? {} : { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': 'http_error' };
    const status = await postEvent(serving.url, envelope, { headers }).then(
      (post) => post.status,
      () => 0,
    );
    if (status === 200) {
      acknowledged();
      return;
    }
  }
  throw new Error('an event was never acknowledged');
}

/**
 * Arms the fake Slack for a kill and waits until the moment comes (or the driving ends):
 * `before` — Slack answers a reply's post 500 and the app's client waits to retry;
 * `part-way` — Slack took the first part of a reply of several, unanswered;
 * `after` — Slack took a reply's last part, unanswered.
 */
export async function awaitKillPoint(fake: FakeSlack, signal: Signal, driving: () => boolean, point: 'before' | 'part-way' | 'after'): Promise<void> {
  const seen = fake.calls.length;
  if (point === 'before') {
    fake.failWhen = (call) => replyPartOf(call) !== undefined;
    await new Promise<void>((resolve) => {
      void fake.until(() => !driving() || fake.calls.slice(seen).some((call) => replyPartOf(call) !== undefined && call.response.ok !== true), 120_000).then(resolve, resolve);
      void signal.until(() => !driving()).then(resolve);
    });
    return;
  }
  fake.holdWhen = (call) => {
    const part = replyPartOf(call);
    return part !== undefined && (point === 'part-way' ? part.part === 1 && part.of > 1 : part.part === part.of);
  };
  await new Promise<void>((resolve) => {
    void fake.until(() => !driving() || fake.heldCount > 0, 120_000).then(resolve, resolve);
    void signal.until(() => !driving()).then(resolve);
  });
}

/** SIGKILLs the serving app, disarms the fake, and brings up a fresh app in its place. */
export async function replaceKilledApp(serving: Serving, fake: FakeSlack, running: WorkerProcess[], name: string, env: Record<string, string>): Promise<void> {
  let restarted: () => void = () => {};
  serving.ready = new Promise((resolve) => {
    restarted = resolve;
  });
  await serving.process.kill();
  disarm(fake);
  fake.release();
  const next = await startAppProcess(name, env);
  running.push(next.process);
  serving.process = next.process;
  serving.url = next.url;
  restarted();
}

export function disarm(fake: FakeSlack): void {
  fake.failWhen = undefined;
  fake.holdWhen = undefined;
}

/** The reply keys Slack had in full before the job engine's run. */
export function completeInSlack(fake: FakeSlack): Set<string> {
  return new Set(
    fake.calls.flatMap((call) => {
      const part = call.response.ok === true ? replyPartOf(call) : undefined;
      return part !== undefined && part.part === part.of ? [part.key] : [];
    }),
  );
}

/**
 * The grace period passing and the killed processes' heartbeats aged: a fresh app, its clock the
 * grace after `moment`, runs the jobs as its worker would, after the pass over stalled sends that
 * its cron runs every minute (so the replies the killed apps never marked sent get their jobs then,
 * and only then), and sends what is left.
 */
export async function finishWithJobEngine(db: TestDatabase, fake: FakeSlack, moment: string): Promise<void> {
  await ageKilledWorkersHeartbeats(db.prisma);
  await makeWaitingJobsDue(db.prisma);
  const app = await startSlackApp(db.url, fake, fixedClock(new Date(new Date(moment).getTime() + REPLY_GRACE_SECONDS * 1000)));
  try {
    await runDueJobs(db.url, app.jobs);
  } finally {
    await app.close();
  }
}

/** What Slack accepted of each saved reply: the keys it holds in full, and those with a part twice. */
export function tallyReplies(fake: FakeSlack, keys: readonly string[]): { complete: Set<string>; duplicated: string[] } {
  const accepted = fake.calls.filter((call) => call.response.ok === true).flatMap((call) => replyPartOf(call) ?? []);
  const copies = new Map<string, number>();
  for (const part of accepted) copies.set(`${part.key}#${part.part}`, (copies.get(`${part.key}#${part.part}`) ?? 0) + 1);
  const complete = new Set(
    keys.filter((key) => {
      const of = accepted.find((part) => part.key === key)?.of ?? 0;
      return of > 0 && Array.from({ length: of }, (_, i) => i + 1).every((n) => copies.has(`${key}#${n}`));
    }),
  );
  const duplicated = keys.filter((key) => [...copies.entries()].some(([part, count]) => part.startsWith(`${key}#`) && count > 1));
  return { complete, duplicated };
}

/**
 * A Thomas Alleyne school of a head and `teachers` teachers (t1…tN), each with an autumn check-in
 * their reviewer owns, everyone a member of the fake Slack from `moment`; and the environment that
 * serves it from a child process.
 */
export async function checkInSchool(db: TestDatabase, fake: FakeSlack, teachers: number, moment: string): Promise<{ school: SeededSchool; slackIdOf: (key: string) => Promise<string>; env: Record<string, string> }> {
  const staff: SeedPerson[] = [{ key: 'head', fullName: 'Hugh Head', role: 'headteacher', obligations: [] }];
  for (let i = 1; i <= teachers; i++) {
    staff.push({ key: `t${i}`, fullName: `Teacher ${i}`, role: 'teacher', lineManager: 'head', obligations: [{ kind: 'check-in', label: 'Autumn check-in', dueOn: '2026-12-11', ownerRole: 'reviewer' }] });
  }
  const school = await seedSchool(db.prisma, 'thomas-alleyne', staff);
  fake.startTsAt(new Date(moment));
  const slackIdOf = await slackUsersOf(db, fake, school.ids);
  return { school, slackIdOf, env: { DATABASE_URL: db.url, SLACK_URL: fake.url, CLOCK_AT: moment } };
}

/** Adds everyone of the school to the fake Slack; returns a person's Slack user id by their seed key. */
export async function slackUsersOf(db: TestDatabase, fake: FakeSlack, ids: Readonly<Record<string, string>>): Promise<(key: string) => Promise<string>> {
  await addEveryoneToSlack(db.prisma, fake);
  return async (key) => {
    const email = (await db.prisma.person.findUniqueOrThrow({ where: { id: ids[key]! } })).email;
    return [...fake.users.values()].find((user) => user.email === email)!.id;
  };
}

/** The first app process, serving at once; it is added to `running` so the test's cleanup stops it. */
export async function serveFirstApp(running: WorkerProcess[], env: Record<string, string>): Promise<Serving> {
  const first = await startAppProcess('app-1', env);
  running.push(first.process);
  return { ...first, ready: Promise.resolve() };
}
