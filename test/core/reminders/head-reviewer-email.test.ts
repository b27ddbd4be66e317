import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailChannel } from '../../../src/channels/email/email-channel.ts';
import { ChannelRouter } from '../../../src/channels/channel-router.ts';
import { type DeliveryDeps, deliverQueuedNotification } from '../../../src/core/reminders/deliver-digest.ts';
import { sweepSchool } from '../../../src/core/reminders/run-sweep.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaPeopleFacts, prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaNotificationQueue } from '../../../src/storage/prisma/prisma-notification-queue.ts';
import { PrismaReminderStore } from '../../../src/storage/prisma/prisma-reminder-store.ts';
import { PrismaSchoolRepository } from '../../../src/storage/prisma/prisma-school-repository.ts';
import { FakeSlack } from '../../channels/slack/support/fake-slack.ts';
import { SIGNING_SECRET } from '../../channels/slack/support/signed-requests.ts';
import { FakeSmtp } from '../../support/fake-smtp.ts';
import { runTrellisWith } from '../../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const ROSTER = join(import.meta.dirname, '../../fixtures/rosters/small-school.csv');
const TERMS = join(import.meta.dirname, '../../../config/terms/england-2026-28.yaml');
/** Mon 7 June 2027, 16:00 in London, inside the reminder window: the head's annual review opens (002 §31, after the summer half term). */
const OPENS = '2027-06-07T15:00:00Z';

/** The decoded Subject header (RFC 2047 encoded words, folded over lines). */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  return header.replace(/\?=\r?\n[ \t]+=\?/g, '?==?').replace(/=\?UTF-8\?Q\?(.*?)\?=/g, (_, word: string) => quotedPrintable(word.replace(/_/g, ' ')));
}

function quotedPrintable(text: string): string {
  return Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), 'latin1').toString('utf8');
}

/** The text/plain and text/html parts of a multipart/alternative message, decoded, without their trailing line breaks. */
function partsOf(raw: string): [string, string] {
  const boundary = /boundary="([^"]+)"/.exec(raw)?.[1] ?? '';
  const parts = raw.split(`--${boundary}`).slice(1, -1).map((part) => quotedPrintable(part.slice(part.search(/\r?\n\r?\n/)).trim()));
  return [parts[0] ?? '', parts[1] ?? ''];
}

let db: TestDatabase;
let dir: string;
let smtp: FakeSmtp;
let smtpUrl: string;
const trellis = (at: string, ...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at }, ...argv);

/** A Thomas Alleyne school with the small roster, the trust's CEO on it, and everything of the head's done but the annual review. */
async function school(slug: string): Promise<void> {
  await rosteredSchool(slug, 'thomas-alleyne');
  expect((await trellis('2026-09-07T09:00:00Z', 'school', 'contact', slug, '--as', 'governors-panel', '--name', 'Gill Governor', '--email', 'gill@governors.example')).code).toBe(0);
  expect((await trellis('2026-09-07T09:00:00Z', 'school', 'contact', slug, '--as', 'governors-panel', '--name', 'Gus Governor')).code).toBe(0);
  const head = await db.prisma.person.findFirstOrThrow({ where: { email: `head@${slug}.example` } });
  // Everything else of the head's is done, so the annual review is the one open item the governors share with the head.
  await db.prisma.obligation.updateMany({ where: { personId: head.id, NOT: { key: { endsWith: ':head-end-of-cycle-review' } } }, data: { status: 'done', completedAt: new Date('2026-12-10T12:00:00Z') } });
}

/** The small roster on a preset with the trust's CEO on it; with `ceoManagesHead`, the CEO is the head's line manager. */
async function rosteredSchool(slug: string, policy: string, ceoManagesHead = false): Promise<void> {
  expect((await trellis('2026-09-07T09:00:00Z', 'school', 'set', slug, '--policy', policy, '--terms', TERMS)).stderr).toBe('');
  let staff = (await readFile(ROSTER, 'utf8')).replaceAll('@school.example', `@${slug}.example`).trimEnd();
  if (ceoManagesHead) staff = staff.replace(`head@${slug}.example,Helen Head,headteacher,,`, `head@${slug}.example,Helen Head,headteacher,ceo@${slug}.example,`);
  const roster = `${staff}\nceo@${slug}.example,Cas Ceo,trust-leader,,Trust,,2015-09-01,permanent,,\n`;
  const file = join(dir, `${slug}.csv`);
  await writeFile(file, roster);
  expect((await trellis('2026-09-07T09:00:00Z', 'import', 'roster', file, '--school', slug)).code).toBe(0);
}

async function sweep(slug: string, emailEnabled: boolean, at = OPENS) {
  const found = await new PrismaSchoolRepository(db.prisma).findSchool(slug);
  if (found === undefined) throw new Error(`no school ${slug}`);
  const reminders = new PrismaReminderStore(db.prisma);
  const headReviewers = { facts: new PrismaPeopleFacts(db.prisma), queue: new PrismaNotificationQueue(db.prisma), emailEnabled };
  return sweepSchool({ reminders, clock: fixedClock(at), headReviewers }, found);
}

function deliveryDeps(router: ChannelRouter): DeliveryDeps {
  const store = new PrismaReminderStore(db.prisma);
  return {
    outbox: store,
    reminders: store,
    deliverer: router,
    messenger: router,
    clock: fixedClock(OPENS),
    findSchool: (slug) => new PrismaSchoolRepository(db.prisma).findSchool(slug),
    access: prismaAccess(db.prisma).guard,
  };
}

/** The queued e-mails: outbox notification rows that name an addressee. */
async function emailRows() {
  const rows = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'notify:' } }, orderBy: { key: 'asc' } });
  return rows.filter((row) => typeof row.payload === 'object' && row.payload !== null && 'email' in row.payload);
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-head-reviewers-'));
  smtp = new FakeSmtp();
  smtpUrl = await smtp.start();
});
afterAll(async () => {
  await smtp.stop();
  await db.drop();
});

describe('the head’s own reviewers are reached (002 §22–24, 003 §6.3, 004 §9.1)', () => {
  it('002 §22–24, §31: a governor with no chat account receives one e-mail when the head’s annual review opens, saying only what is due and when; the CEO on the roster gets it in their digest; the head is reminded as before; a governor with no address is not e-mailed', async () => {
    await school('alleyne');
    const result = await sweep('alleyne', true);
    expect(result.queuedEmails).toBe(1);
    const [row] = await emailRows();
    expect(row).toBeDefined();
    const head = await db.prisma.person.findFirstOrThrow({ where: { email: 'head@alleyne.example' } });
    const ceo = await db.prisma.person.findFirstOrThrow({ where: { email: 'ceo@alleyne.example' } });
    expect(row!.key).toMatch(/^notify:.*:head-end-of-cycle-review:opened:email:gill@governors\.example:0$/);
    expect(row!.recipientId).toBe(head.id);

    // The head's own reminder and the CEO's copy, each carried by that person's digest for the day.
    const reminders = await db.prisma.queuedReminder.findMany({ where: { key: { startsWith: `${head.id}:2026:head-end-of-cycle-review:opened:` } } });
    expect(reminders.map((r) => r.recipientId).sort()).toEqual([head.id, ceo.id].sort());
    for (const reminder of reminders) expect(reminder.digestKey).toBe(`digest:${reminder.recipientId}:2027-06-07`);

    const router = new ChannelRouter();
    router.addEmail(new EmailChannel({ url: smtpUrl, from: 'Trellis <trellis@alleyne.example>' }));
    const step = await deliverQueuedNotification(deliveryDeps(router), { id: row!.id, schoolSlug: 'alleyne' }, { number: 1, max: 12 });
    expect(step).toEqual({ step: 'done', outcome: 'sent' });
    expect(smtp.received.map((m) => m.to)).toEqual([['gill@governors.example']]);
    const raw = smtp.received[0]!.raw;
    expect(subjectOf(raw)).toBe('Head teacher’s annual review for Helen Head, due Fri 17 Dec');
    expect(raw).not.toMatch(/unsubscribe/i);
    const [text, html] = partsOf(raw);
    expect(text).toBe(
      [
        'Dear Gill Governor,',
        'alleyne names you as one of the head teacher’s reviewers (the governors appointed to review the head). For Helen Head, “Head teacher’s annual review” is due by Fri 17 Dec. The school’s policy: 002 §31 (head teachers by 31 December).',
        'Please arrange it with Helen Head. This message says only what is due and when; nothing from anyone’s records is sent by e-mail.',
        'Trellis, for the school’s professional growth cycle',
      ].join('\r\n\r\n'),
    );
    expect(html).toBe(
      '<!doctype html><html><body><p>Dear Gill Governor,</p><p>alleyne names you as one of the head teacher’s reviewers (the governors appointed to review the head). For Helen Head, “Head teacher’s annual review” is due by Fri 17 Dec. The school’s policy: 002 §31 (head teachers by 31 December).</p><p>Please arrange it with Helen Head. This message says only what is due and when; nothing from anyone’s records is sent by e-mail.</p><p>Trellis, for the school’s professional growth cycle</p></body></html>',
    );
    expect(text).not.toContain('Gus');
    expect((await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row!.id } })).status).toBe('sent');

    // A second sweep the same day queues nothing again: the outbox's keys.
    expect((await sweep('alleyne', true)).queuedEmails ?? 0).toBe(0);
    expect(await emailRows()).toHaveLength(1);
  });

  it('002 §22–24: an SMTP 4xx is a failed attempt the outbox retries, and the retried delivery sends the e-mail once (0 duplicates)', async () => {
    await school('alleyne-retry');
    await sweep('alleyne-retry', true);
    const rows = (await emailRows()).filter((r) => r.key.includes('gill@governors.example') && r.status === 'pending');
    expect(rows).toHaveLength(1);
    const before = smtp.received.length;
    smtp.refuse = 1;
    const router = new ChannelRouter();
    router.addEmail(new EmailChannel({ url: smtpUrl, from: 'trellis@alleyne-retry.example' }));
    const deps = deliveryDeps(router);
    const job = { id: rows[0]!.id, schoolSlug: 'alleyne-retry' };
    const first = await deliverQueuedNotification(deps, job, { number: 1, max: 12 });
    expect(first.step).toBe('retry');
    expect(first.step === 'retry' ? first.error : '').toMatch(/451/);
    expect(smtp.received.length).toBe(before);
    const second = await deliverQueuedNotification(deps, job, { number: 2, max: 12 });
    expect(second).toEqual({ step: 'done', outcome: 'sent' });
    // A third run of the job (a duplicate of it) finds the row sent and sends nothing.
    expect(await deliverQueuedNotification(deps, job, { number: 3, max: 12 })).toEqual({ step: 'done', outcome: 'not-pending' });
    expect(smtp.received.slice(before).map((m) => m.to)).toEqual([['gill@governors.example']]);
    // `trellis outbox` lists it under the governor's address, not the head's.
    const listed = await new PrismaReminderStore(db.prisma).list({ schoolSlug: 'alleyne-retry', limit: 100 });
    expect(listed.filter((entry) => entry.key === rows[0]!.key).map((entry) => [entry.kind, entry.recipientEmail, entry.status, entry.attempts])).toEqual([['notification', 'gill@governors.example', 'sent', 1]]);
  });

  it('002 §22–24: without SMTP configured nothing is e-mailed or lost — the head and the CEO are reminded as before — and `trellis reach` says why the governors are not reached', async () => {
    await school('alleyne-nosmtp');
    const before = (await emailRows()).length;
    const result = await sweep('alleyne-nosmtp', false);
    expect(result.queuedEmails ?? 0).toBe(0);
    expect(await emailRows()).toHaveLength(before);
    const head = await db.prisma.person.findFirstOrThrow({ where: { email: 'head@alleyne-nosmtp.example' } });
    const ceo = await db.prisma.person.findFirstOrThrow({ where: { email: 'ceo@alleyne-nosmtp.example' } });
    const reminded = await db.prisma.queuedReminder.findMany({ where: { key: { startsWith: `${head.id}:2026:head-end-of-cycle-review:opened:` } } });
    expect(reminded.map((r) => r.recipientId).sort()).toEqual([head.id, ceo.id].sort());
    const { stdout } = await runTrellisWith({ databaseUrl: db.url, at: OPENS, env: { SMTP_URL: '', SMTP_FROM: '' } }, 'reach', '--school', 'alleyne-nosmtp');
    expect(stdout).toContain('Gill Governor <gill@governors.example> (the governors appointed to review the head): not e-mailed: SMTP_URL and SMTP_FROM are not set, so the head is reminded instead (002 §22–24');
    expect(stdout).toContain('Gus Governor (the governors appointed to review the head): no e-mail address named (`trellis school contact --email`), so the head is reminded instead');
    const configured = await runTrellisWith({ databaseUrl: db.url, at: OPENS, env: { SMTP_URL: smtpUrl, SMTP_FROM: 'trellis@alleyne.example' } }, 'reach', '--school', 'alleyne-nosmtp');
    expect(configured.stdout).toContain('Gill Governor <gill@governors.example> (the governors appointed to review the head): by e-mail');
  });

  it('004 §9.1, §6: a WHMAT head’s spring check-in, owed by their appraiser on the roster (the CEO), is e-mailed once to the external school improvement partner when it opens', async () => {
    await rosteredSchool('washwood', 'whmat', true);
    expect((await trellis('2026-09-07T09:00:00Z', 'school', 'contact', 'washwood', '--as', 'external-adviser', '--name', 'Sam Sip', '--email', 'sam@sip.example')).code).toBe(0);
    const head = await db.prisma.person.findFirstOrThrow({ where: { email: 'head@washwood.example' } });
    const ceo = await db.prisma.person.findFirstOrThrow({ where: { email: 'ceo@washwood.example' } });
    // Tue 5 January 2027, 16:00: the spring term starts and the head's spring check-in opens.
    await sweep('washwood', true, '2027-01-05T16:00:00Z');
    const spring = (await db.prisma.obligation.findMany({ where: { personId: head.id, key: { contains: ':spring-check-in' } } }))[0];
    expect(spring?.ownerPersonId).toBe(ceo.id);
    const rows = (await emailRows()).filter((row) => row.key.includes(':email:sam@sip.example:'));
    expect(rows.filter((row) => row.key.includes(':spring-check-in:opened:')).map((row) => row.recipientId)).toEqual([head.id]);
    // The CEO is reminded as the head's appraiser, once: no second copy as a member of the panel.
    expect(await db.prisma.queuedReminder.count({ where: { key: { startsWith: `${spring!.key}:opened:` } } })).toBe(1);
    expect((await sweep('washwood', true, '2027-01-05T16:00:00Z')).queuedEmails ?? 0).toBe(0);
  });

  it('003 §6.3: a TPAT head’s items owed by their coach on the roster (the CEO) are e-mailed to the Chair of the LGB as they open, once each', async () => {
    await rosteredSchool('tpat-school', 'tpat', true);
    expect((await trellis('2026-09-07T09:00:00Z', 'school', 'contact', 'tpat-school', '--as', 'chair-of-governors', '--name', 'Cleo Chair', '--email', 'cleo@lgb.example')).code).toBe(0);
    const head = await db.prisma.person.findFirstOrThrow({ where: { email: 'head@tpat-school.example' } });
    // Wed 2 September 2026, 15:45 in London: the first school day, when the cycle's items open.
    await sweep('tpat-school', true, '2026-09-02T14:45:00Z');
    const owed = await db.prisma.obligation.findMany({ where: { personId: head.id, ownerRole: { in: ['coach', 'reviewer'] } } });
    const emailed = (await emailRows()).filter((row) => row.key.includes(':email:cleo@lgb.example:'));
    expect(emailed.length).toBeGreaterThan(0);
    const keys = emailed.map((row) => row.key.replace(/^notify:/, '').replace(/:email:.*$/, ''));
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(owed.some((o) => key.startsWith(`${o.key}:`))).toBe(true);
    expect(emailed.every((row) => row.recipientId === head.id)).toBe(true);
  });

  it('004 §9.1: a WHMAT head with no one over them on the roster is reminded of their spring check-in themselves, and the school improvement partner is e-mailed once', async () => {
    await rosteredSchool('washwood-alone', 'whmat');
    expect((await trellis('2026-09-07T09:00:00Z', 'school', 'contact', 'washwood-alone', '--as', 'external-adviser', '--name', 'Sam Sip', '--email', 'sip@washwood-alone.example')).code).toBe(0);
    const head = await db.prisma.person.findFirstOrThrow({ where: { email: 'head@washwood-alone.example' } });
    await sweep('washwood-alone', true, '2027-01-05T16:00:00Z');
    const spring = await db.prisma.obligation.findFirstOrThrow({ where: { personId: head.id, key: { contains: ':spring-check-in' } } });
    expect(spring.ownerPersonId).toBeNull();
    const reminded = await db.prisma.queuedReminder.findMany({ where: { key: { startsWith: `${spring.key}:opened:` } } });
    expect(reminded.map((r) => r.recipientId)).toEqual([head.id]);
    const emailed = (await emailRows()).filter((row) => row.key.startsWith(`notify:${spring.key}:opened:email:sip@washwood-alone.example:`));
    expect(emailed.map((row) => row.recipientId)).toEqual([head.id]);
  });

  it('002 §22–24, §31: `trellis sweep` with SMTP but no chat channel leaves the governor’s e-mail queued and says so; with Slack and SMTP configured it e-mails the governor through the same router as the server, prints the e-mail, and a second run sends nothing again', async () => {
    await school('alleyne-cli');
    const slack = await FakeSlack.start();
    try {
      const people = await db.prisma.person.findMany({ where: { school: { slug: 'alleyne-cli' } } });
      for (const [i, person] of people.entries()) slack.addUser({ id: `U${String(i).padStart(6, '0')}`, email: person.email, teamId: 'T123ABC456' });
      const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slack.url}/api/`, LOG_LEVEL: 'silent', SMTP_URL: smtpUrl, SMTP_FROM: 'Trellis <trellis@alleyne-cli.example>' };
      const before = smtp.received.length;
      // With SMTP but no chat channel, the e-mail is queued and stays queued with the digests, for the server to send.
      const mailOnly = { LOG_LEVEL: 'silent', SMTP_URL: smtpUrl, SMTP_FROM: 'Trellis <trellis@alleyne-cli.example>' };
      const queued = await runTrellisWith({ databaseUrl: db.url, env: mailOnly }, 'sweep', '--at', OPENS, '--school', 'alleyne-cli');
      expect(queued.code).toBe(0);
      expect(queued.stdout).toMatch(/alleyne-cli: \d+ reminders queued, \d+ digests? queued, 1 e-mail queued to the head's reviewers\./);
      expect(queued.stdout).toContain('No chat channel is configured (Slack or Teams): the digests and e-mails stay queued, and the server sends them once one is.');
      expect(smtp.received.length).toBe(before);

      const first = await runTrellisWith({ databaseUrl: db.url, env }, 'sweep', '--at', OPENS, '--school', 'alleyne-cli');
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/alleyne-cli: 0 reminders queued, 0 digests queued\./);
      expect(first.stdout).toContain('e-mail to Gill Governor <gill@governors.example>: Head teacher’s annual review for Helen Head, due Fri 17 Dec');
      expect(first.stdout).toContain("1 e-mail sent to the head's reviewers.");
      expect(smtp.received.slice(before).map((m) => m.to)).toEqual([['gill@governors.example']]);
      const [row] = (await emailRows()).filter((r) => r.key.includes(':email:gill@governors.example:') && r.recipientId === people.find((p) => p.email === 'head@alleyne-cli.example')?.id);
      expect(row?.status).toBe('sent');

      const again = await runTrellisWith({ databaseUrl: db.url, env }, 'sweep', '--at', OPENS, '--school', 'alleyne-cli');
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("0 e-mails sent to the head's reviewers.");
      expect(smtp.received.length).toBe(before + 1);
    } finally {
      await slack.close();
    }
  });
});
