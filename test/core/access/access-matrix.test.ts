import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessGuard } from '../../../src/core/access/access-guard.ts';
import { AccessRequests } from '../../../src/core/access/access-requests.ts';
import { RECORD_KINDS, type RecordKind } from '../../../src/core/access/access-rule.ts';
import { messageText, type OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { ObligationReminderActions } from '../../../src/core/reminders/reminder-actions.ts';
import { CycleReports } from '../../../src/core/reports/cycle-reports.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaPeopleFacts, prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaAccessRequestStore } from '../../../src/storage/prisma/prisma-access-requests.ts';
import { PrismaReminderActionsStore } from '../../../src/storage/prisma/prisma-reminder-actions-store.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from '../conversations/support/chat.ts';
import { knownPerson, SECRET } from '../reports/report-fixture.ts';

/**
 * The access matrix (issue 13): every role against every record kind through every entry point,
 * for a reviewee under 002 (a delegated reviewer, a line manager who is not the reviewer, a coach
 * who is not) and one under 003 (the coach is the reviewer). Expected cells are written from the
 * seeds, not from the code: 0 unauthorised reads, and every authorised read by someone else logged.
 */

/** Monday 23 November 2026, 10:00 London. */
const NOW = new Date('2026-11-23T10:00:00Z');
const clock = fixedClock(NOW);

let db: TestDatabase;
let guard: AccessGuard;
let reports: CycleReports;
const ids: Record<string, string> = {};

type Viewer =
  | 'self'
  | 'teacher'
  | 'teaching-assistant'
  | 'support'
  | 'line-manager'
  | 'reviewer'
  | 'coach-002'
  | 'leader'
  | 'pm-deputy'
  | 'head'
  | 'trust-leader'
  | 'other-school-head'
  | 'other-trust-head';
const VIEWERS: readonly Viewer[] = ['self', 'teacher', 'teaching-assistant', 'support', 'line-manager', 'reviewer', 'coach-002', 'leader', 'pm-deputy', 'head', 'trust-leader', 'other-school-head', 'other-trust-head'];
const QTS_COLLEAGUES: readonly Viewer[] = ['teacher', 'line-manager', 'reviewer', 'coach-002', 'leader', 'pm-deputy', 'head'];
const ALL_BUT_DIARY = RECORD_KINDS.filter((k) => k !== 'diary');

/**
 * What each viewer may read of Tess (a teacher at a 002 school) — from 002 §18: the reviewer
 * (delegated, §25–28), the head and the PM deputy; the line manager only on request; a coach who
 * is not the reviewer holds feedback conversations (001 “Feedback”) and sees what is due, nothing
 * more (003 §6.1 is the only policy where a coach reviews); a trust leader reads a head's records,
 * not a teacher's; no one from another school; a diary is its writer's alone.
 */
const TESS_MAY: Record<Viewer, readonly RecordKind[]> = {
  self: RECORD_KINDS,
  teacher: [],
  'teaching-assistant': [],
  support: [],
  'line-manager': [],
  reviewer: ALL_BUT_DIARY,
  'coach-002': ['feedback', 'obligations'],
  leader: [],
  'pm-deputy': ALL_BUT_DIARY,
  head: ALL_BUT_DIARY,
  'trust-leader': [],
  'other-school-head': [],
  'other-trust-head': [],
};

const viewerId = (viewer: Viewer) => ids[viewer === 'self' ? 'tess' : viewer]!;

beforeAll(async () => {
  db = await createTestDatabase();
  const trust = await db.prisma.trust.create({ data: { slug: 'matrix-trust', name: 'Matrix Trust' } });
  const otherTrust = await db.prisma.trust.create({ data: { slug: 'other-trust', name: 'Other Trust' } });
  const a = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hana Head', role: 'headteacher', obligations: [] },
    { key: 'trust-leader', fullName: 'Trish Trust', role: 'trust-leader', obligations: [] },
    { key: 'pm-deputy', fullName: 'Dev Deputy', role: 'leader', flags: ['pm-deputy'], lineManager: 'head', obligations: [] },
    { key: 'leader', fullName: 'Lou Leader', role: 'leader', lineManager: 'head', obligations: [] },
    { key: 'line-manager', fullName: 'Max Manager', role: 'teacher', lineManager: 'head', department: 'Science', obligations: [] },
    { key: 'reviewer', fullName: 'Rita Reviewer', role: 'teacher', lineManager: 'head', department: 'Science', obligations: [] },
    { key: 'coach-002', fullName: 'Cody Coach', role: 'teacher', lineManager: 'head', obligations: [] },
    { key: 'teacher', fullName: 'Pia Peer', role: 'teacher', lineManager: 'line-manager', department: 'Science', obligations: [] },
    { key: 'teaching-assistant', fullName: 'Tara Assistant', role: 'teaching-assistant', lineManager: 'line-manager', obligations: [] },
    { key: 'support', fullName: 'Sue Support', role: 'support', lineManager: 'line-manager', obligations: [] },
    { key: 'tess', fullName: 'Tess Teacher', role: 'teacher', lineManager: 'line-manager', department: 'Science', obligations: [] },
  ]);
  const b = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 'other-school-head', fullName: 'Bea Boss', role: 'headteacher', obligations: [] }]);
  const x = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 'other-trust-head', fullName: 'Xen Elsewhere', role: 'headteacher', obligations: [] }]);
  const c = await seedSchool(db.prisma, 'tpat', [
    { key: 'tpat-head', fullName: 'Cath Head', role: 'headteacher', obligations: [] },
    { key: 'tpat-manager', fullName: 'Mia Manager', role: 'teacher', lineManager: 'tpat-head', obligations: [] },
    { key: 'tpat-coach', fullName: 'Coco Coach', role: 'teacher', lineManager: 'tpat-head', obligations: [] },
    { key: 'cole', fullName: 'Cole Coachee', role: 'teacher', lineManager: 'tpat-manager', obligations: [] },
  ]);
  await db.prisma.school.updateMany({ where: { id: { in: [a.schoolId, b.schoolId, c.schoolId] } }, data: { trustId: trust.id } });
  await db.prisma.school.update({ where: { id: x.schoolId }, data: { trustId: otherTrust.id } });
  Object.assign(ids, a.ids, b.ids, x.ids, c.ids);
  const sept = new Date('2026-09-01T00:00:00Z');
  await db.prisma.reviewerAssignment.createMany({
    data: [
      // Tess: the roster's reviewer (her line manager), replaced by a delegated reviewer (002 §28); an ended coach and a current one.
      { revieweeId: ids.tess!, reviewerId: ids['line-manager']!, kind: 'reviewer', startsOn: sept, endsOn: new Date('2026-10-01T00:00:00Z'), reason: 'roster' },
      { revieweeId: ids.tess!, reviewerId: ids.reviewer!, kind: 'reviewer', startsOn: new Date('2026-10-01T00:00:00Z'), reason: 'delegated by the head (002 §28)' },
      { revieweeId: ids.tess!, reviewerId: ids.teacher!, kind: 'coach', startsOn: sept, endsOn: new Date('2026-10-31T00:00:00Z'), reason: 'roster' },
      { revieweeId: ids.tess!, reviewerId: ids['coach-002']!, kind: 'coach', startsOn: new Date('2026-11-01T00:00:00Z'), reason: 'roster' },
      // Cole (003): the roster's reviewer is his line manager, but the policy makes his coach the reviewer (003 §6.1).
      { revieweeId: ids.cole!, reviewerId: ids['tpat-manager']!, kind: 'reviewer', startsOn: sept, reason: 'roster' },
      { revieweeId: ids.cole!, reviewerId: ids['tpat-coach']!, kind: 'coach', startsOn: sept, reason: 'roster' },
    ],
  });
  for (const [person, cycle, owner] of [
    ['tess', a.cycles.tess!, ids.reviewer!],
    ['cole', c.cycles.cole!, ids['tpat-coach']!],
  ] as const) {
    await db.prisma.growthPlan.create({ data: { cycleId: cycle, personId: ids[person]!, status: 'submitted', summary: SECRET, submittedAt: new Date('2026-11-10T10:00:00Z') } });
    await db.prisma.obligation.createMany({
      data: [
        { key: `${person}-reflection`, cycleId: cycle, personId: ids[person]!, kind: 'self-reflection', label: `${person} reflection`, opensOn: sept, dueOn: new Date('2026-10-15'), ownerRole: 'reviewee', ownerPersonId: ids[person]!, rule: 'test' },
        { key: `${person}-check-in`, cycleId: cycle, personId: ids[person]!, kind: 'check-in', label: `${person} check-in`, opensOn: sept, dueOn: new Date('2027-02-12'), ownerRole: 'reviewer', ownerPersonId: owner, rule: 'test' },
      ],
    });
  }
  // A stale item still owed by Tess's former reviewer: it must not show her to him.
  await db.prisma.obligation.create({
    data: { key: 'tess-stale', cycleId: a.cycles.tess!, personId: ids.tess!, kind: 'feedback', label: 'tess stale', opensOn: sept, dueOn: new Date('2027-03-01'), ownerRole: 'reviewer', ownerPersonId: ids['line-manager']!, rule: 'test' },
  });
  const access = prismaAccess(db.prisma);
  guard = access.guard;
  reports = new CycleReports(new PrismaReportReads(db.prisma), access);
});
afterAll(() => db.drop());

const text = (messages: readonly OutgoingMessage[]) => messages.map(messageText).join('\n');

async function logged(viewer: string, subject: string, resource: string): Promise<string[]> {
  const rows = await db.prisma.accessLog.findMany({ where: { viewerId: viewer, subjectId: subject, resource } });
  return rows.map((r) => r.reason);
}

/** Tallies every cell so the test can say how big the matrix is and that no cell read without right. */
const tally = { cells: 0, unauthorised: 0, authorisedByOthers: 0, logged: 0 };

function check(cell: string, shown: boolean, allowed: boolean): void {
  tally.cells += 1;
  if (shown && !allowed) tally.unauthorised += 1;
  expect(shown, cell).toBe(allowed);
}

async function checkLogged(viewer: string, subject: string, resource: string, cell: string): Promise<void> {
  tally.authorisedByOthers += 1;
  const reasons = await logged(viewer, subject, resource);
  if (reasons.length > 0) tally.logged += 1;
  expect(reasons.length, `${cell} is logged`).toBeGreaterThan(0);
}

describe('access matrix: role × record kind × entry point (002 §18, 003 §6.1)', () => {
  it('the access rule itself: each role × each record kind of a 002 teacher, and every allowed read by another is logged with its reason', async () => {
    for (const viewer of VIEWERS) {
      for (const kind of RECORD_KINDS) {
        const [read] = await guard.read(viewerId(viewer), [ids.tess!], kind, NOW);
        const cell = `${viewer} × ${kind} × rule`;
        check(cell, read?.decision.allowed === true, TESS_MAY[viewer].includes(kind));
        if (read?.decision.allowed && viewer !== 'self') await checkLogged(viewerId(viewer), ids.tess!, kind, cell);
      }
    }
  });

  it('003 §6.1: the coach is the reviewer and reads everything but the diary; the line manager whom the coach replaces reads nothing', async () => {
    for (const kind of RECORD_KINDS) {
      const [coach] = await guard.read(ids['tpat-coach']!, [ids.cole!], kind, NOW);
      const [manager] = await guard.read(ids['tpat-manager']!, [ids.cole!], kind, NOW);
      check(`003 coach × ${kind} × rule`, coach?.decision.allowed === true, kind !== 'diary');
      check(`003 line manager × ${kind} × rule`, manager?.decision.allowed === true, false);
      if (coach?.decision.allowed) await checkLogged(ids['tpat-coach']!, ids.cole!, kind, `003 coach × ${kind}`);
    }
  });

  it('a trust leader reads the head’s records (002 §22, 003 §6.3) but no teacher’s; a head of another school reads neither', async () => {
    for (const kind of ALL_BUT_DIARY) {
      const [trust] = await guard.read(ids['trust-leader']!, [ids.head!], kind, NOW);
      const [deputy] = await guard.read(ids['pm-deputy']!, [ids.head!], kind, NOW);
      const [other] = await guard.read(ids['other-school-head']!, [ids.head!], kind, NOW);
      check(`trust leader × head's ${kind}`, trust?.decision.allowed === true, true);
      check(`PM deputy × head's ${kind}`, deputy?.decision.allowed === true, false);
      check(`other school's head × head's ${kind}`, other?.decision.allowed === true, false);
      await checkLogged(ids['trust-leader']!, ids.head!, kind, `trust leader × head's ${kind}`);
    }
  });

  it('`agree` (plans awaiting agreement): only the reviewer sees the plan — the delegated reviewer under 002, the coach under 003', async () => {
    for (const viewer of VIEWERS.filter((v) => v !== 'self')) {
      const chat = new Chat(newEngine(db.prisma, clock), viewerId(viewer));
      await chat.user('review plans');
      check(`${viewer} × growth-plan × agree`, chat.transcript.join('\n').includes('Tess Teacher'), viewer === 'reviewer');
    }
    await checkLogged(ids.reviewer!, ids.tess!, 'growth-plan', 'reviewer × agree');
    for (const [viewer, allowed] of [
      ['tpat-coach', true],
      ['tpat-manager', false],
      ['tpat-head', false],
    ] as const) {
      const chat = new Chat(newEngine(db.prisma, clock), ids[viewer]!);
      await chat.user('review plans');
      check(`${viewer} × growth-plan × agree`, chat.transcript.join('\n').includes('Cole Coachee'), allowed);
    }
    await checkLogged(ids['tpat-coach']!, ids.cole!, 'growth-plan', '003 coach × agree');
  });

  it('colleague dialogs: under 002 any colleague with QTS in the school may record an observation (§48, Annex 1 §8); feedback is the reviewer’s and the coach’s (001 “Feedback”)', async () => {
    for (const viewer of VIEWERS.filter((v) => v !== 'self')) {
      const observe = new Chat(newEngine(db.prisma, clock), viewerId(viewer));
      await observe.user('observe');
      // 002 §48, Annex 1 §8: any colleague with QTS in Tess's school may record an observation of her (a record made, not a read of hers).
      check(`${viewer} × observations × observe`, observe.transcript.join('\n').includes('Tess Teacher'), QTS_COLLEAGUES.includes(viewer));
      const feedback = new Chat(newEngine(db.prisma, clock), viewerId(viewer));
      await feedback.user('feedback');
      check(`${viewer} × feedback × feedback`, feedback.transcript.join('\n').includes('Tess Teacher'), viewer === 'reviewer' || viewer === 'coach-002');
    }
    const coach = new Chat(newEngine(db.prisma, clock), ids['tpat-coach']!);
    await coach.user('observe');
    check('003 coach × observations × observe', coach.transcript.join('\n').includes('Cole Coachee'), true);
  });

  it('home, status and overdue: the reviewer glances at and owes items for Tess; the head and the PM deputy see her in the overdue list; nobody else does — and each is logged', async () => {
    for (const viewer of VIEWERS.filter((v) => v !== 'self')) {
      const person = await knownPerson(db.prisma, viewerId(viewer));
      const home = await reports.home(person, NOW);
      check(`${viewer} × obligations × home`, home.reviewees.some((r) => r.id === ids.tess) || home.deadlines.some((d) => d.about?.personId === ids.tess), viewer === 'reviewer');
      const status = text(await reports.status(person, NOW));
      check(`${viewer} × obligations × status`, status.includes('Tess Teacher'), viewer === 'reviewer');
      const overdue = text(await reports.overdue(person, undefined, NOW));
      check(`${viewer} × obligations × overdue`, overdue.includes('Tess Teacher'), viewer === 'head' || viewer === 'pm-deputy');
      if (viewer === 'reviewer' || viewer === 'head' || viewer === 'pm-deputy') await checkLogged(viewerId(viewer), ids.tess!, 'obligations', `${viewer} × home/status/overdue`);
    }
  });

  it('`see-plan NAME`: the plan reaches exactly those the rule allows (reviewer, head, PM deputy), each read logged; another school cannot even find her', async () => {
    const requests = new AccessRequests({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaAccessRequestStore(db.prisma), guard, reads: new PrismaReportReads(db.prisma) });
    for (const viewer of VIEWERS.filter((v) => v !== 'self')) {
      const outcome = await requests.seePlan(await knownPerson(db.prisma, viewerId(viewer)), 'Tess Teacher', NOW);
      const shown = text(outcome.messages).includes('Tess Teacher’s growth plan');
      check(`${viewer} × growth-plan × see-plan`, shown, TESS_MAY[viewer].includes('growth-plan'));
      if (shown) await checkLogged(viewerId(viewer), ids.tess!, 'growth-plan', `${viewer} × see-plan`);
    }
  });

  it('reminder buttons with forged ids: only Tess and her reviewer may start or act on an item in her cycle — not her line manager once a reviewer was delegated (002 §28)', async () => {
    const actions = new ObligationReminderActions(new PrismaReminderActionsStore(db.prisma));
    for (const viewer of VIEWERS) {
      const person = await knownPerson(db.prisma, viewerId(viewer));
      const outcome = await actions.act({ person, account: { platform: 'local', tenant: 'local', userId: person.id } }, 'start:tess-check-in', NOW);
      // The reviewer is told the check-in is recorded by Tess (004 §6.6); everyone else is refused or told it isn't found.
      const refused = outcome.kind === 'reply' && /^Sorry, only the person this item belongs to|^I can’t find that item/.test(outcome.messages.map(messageText).join('\n'));
      check(`${viewer} × obligations × start button`, !refused, viewer === 'self' || viewer === 'reviewer');
    }
  });

  it('adds up: no unauthorised read in any cell, and every authorised read by someone else is logged', () => {
    console.info(`access matrix: ${tally.cells} cells, ${tally.unauthorised} unauthorised reads, ${tally.logged}/${tally.authorisedByOthers} authorised reads by others logged`);
    const others = VIEWERS.length - 1;
    // rule: 13 viewers × 9 kinds; 003: 2 × 9; head's records: 3 × 8; agree: 12 + 3; observe/feedback: 12 × 2 + 1; home/status/overdue: 12 × 3; see-plan: 12; buttons: 13.
    expect(tally.cells).toBe(VIEWERS.length * RECORD_KINDS.length + 2 * RECORD_KINDS.length + 3 * ALL_BUT_DIARY.length + (others + 3) + (others * 2 + 1) + others * 3 + others + VIEWERS.length);
    expect(tally.unauthorised).toBe(0);
    expect(tally.logged).toBe(tally.authorisedByOthers);
  });
});
