import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessGuard, decisionFor } from '../../src/core/access/access-guard.ts';
import { RECORD_KINDS, type RecordKind } from '../../src/core/access/access-rule.ts';
import { prismaAccess } from '../../src/storage/prisma/prisma-access-relationships.ts';
import { setUpSchool } from '../core/reminders/support/school-year.ts';
import { countingClient } from '../support/counting-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** A school day of the simulated year, after the roster's assignments began. */
const AT = new Date('2026-11-23T10:00:00Z');
const PRESETS = ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat'] as const;

let db: TestDatabase;
let guard: AccessGuard;
let counted: { statements: number };
/** Each simulated school's id and its people's ids. */
const schools = new Map<string, { id: string; people: string[] }>();

beforeAll(async () => {
  db = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'trellis-school-access-'));
  for (const preset of PRESETS) await setUpSchool(db.url, dir, preset, preset);
  const idOf = async (email: string) => (await db.prisma.person.findFirstOrThrow({ where: { email } })).id;
  // What the rule reads beyond the roster, so every branch of it has someone to decide about:
  // a PM deputy (002 §18), a second head, a delegated reviewer (002 §25–28), a live and an
  // expired grant (002 §18), a leaver, and a trust with a trust leader over two schools (002 §22).
  await db.prisma.person.updateMany({ where: { email: 'deputy@thomas-alleyne.example' }, data: { flags: { push: 'pm-deputy' } } });
  await db.prisma.person.updateMany({ where: { email: 'hod.english@kingsmead.example' }, data: { role: 'headteacher' } });
  await db.prisma.person.updateMany({ where: { email: 't7@thomas-alleyne.example' }, data: { active: false } });
  await db.prisma.reviewerAssignment.create({
    data: { revieweeId: await idOf('t2@thomas-alleyne.example'), reviewerId: await idOf('t9@thomas-alleyne.example'), kind: 'reviewer', startsOn: new Date('2026-10-01'), reason: 'request' },
  });
  await db.prisma.accessGrant.create({
    data: { requesterId: await idOf('hod.maths@thomas-alleyne.example'), subjectId: await idOf('t12@thomas-alleyne.example'), reason: 'support', grantedAt: new Date('2026-11-01T09:00:00Z') },
  });
  await db.prisma.accessGrant.create({
    data: {
      requesterId: await idOf('hod.maths@thomas-alleyne.example'),
      subjectId: await idOf('t13@thomas-alleyne.example'),
      reason: 'support',
      grantedAt: new Date('2026-10-01T09:00:00Z'),
      expiresAt: new Date('2026-10-31T09:00:00Z'),
    },
  });
  const trust = await db.prisma.trust.create({ data: { slug: 'trust', name: 'A Trust' } });
  await db.prisma.school.updateMany({ where: { slug: { in: ['tpat', 'whmat'] } }, data: { trustId: trust.id } });
  await db.prisma.person.updateMany({ where: { email: 'support2@whmat.example' }, data: { role: 'trust-leader' } });
  for (const preset of PRESETS) {
    const school = await db.prisma.school.findUniqueOrThrow({ where: { slug: preset }, select: { id: true, people: { select: { id: true } } } });
    schools.set(preset, { id: school.id, people: school.people.map((p) => p.id) });
  }
  const { client, counter } = countingClient(db.prisma);
  counted = counter;
  guard = prismaAccess(client).guard;
}, 120_000);
afterAll(() => db.drop());

/** Each person's decision, as "allowed:reason" or "refused", by asking the rule about everyone one by one. */
async function oneByOne(viewerId: string, people: readonly string[], kind: RecordKind): Promise<string[]> {
  const reads = await guard.check(viewerId, people, kind, AT);
  const byId = new Map(reads.map((read) => [read.subjectId, read.decision]));
  return people.map((id) => {
    const decision = byId.get(id)!;
    return decision.allowed ? `allowed:${decision.reason}` : 'refused';
  });
}

/** The same, from one school-wide decision (AccessGuard.checkSchool). */
async function schoolWide(viewerId: string, schoolId: string, people: readonly string[], kind: RecordKind): Promise<string[]> {
  const access = await guard.checkSchool(viewerId, schoolId, kind, AT);
  return people.map((id) => {
    const { decision } = decisionFor(access, id);
    return decision.allowed ? `allowed:${decision.reason}` : 'refused';
  });
}

describe('the access rule decided for a whole school agrees with it decided person by person (002 §18, §22; issue 16)', () => {
  it('every person of the four simulated schools, as viewer of their own school, for every kind of record, gets the same decision about everyone (002 §18)', async () => {
    let compared = 0;
    let allowedOthers = 0;
    for (const school of schools.values()) {
      for (const viewer of school.people) {
        for (const kind of RECORD_KINDS) {
          const expected = await oneByOne(viewer, school.people, kind);
          expect(await schoolWide(viewer, school.id, school.people, kind), `${viewer} ${kind}`).toEqual(expected);
          compared += expected.length;
          allowedOthers += expected.filter((d) => d.startsWith('allowed:') && d !== 'allowed:self').length;
        }
      }
    }
    expect(compared).toBe(4 * 32 * 32 * RECORD_KINDS.length);
    // Not a comparison of refusals only: heads, reviewers, coaches, the deputy and the grant all allow.
    expect(allowedOthers).toBeGreaterThan(1000);
  }, 300_000);

  it('a viewer from another school, a trust leader over a trust’s heads included, gets the same decisions as person by person (002 §22)', async () => {
    const reasons = new Set<string>();
    for (const [slug, school] of schools) {
      for (const other of [...schools.values()].filter((s) => s !== school)) {
        for (const viewer of other.people) {
          for (const kind of ['obligations', 'growth-plan'] as const) {
            const expected = await oneByOne(viewer, school.people, kind);
            expect(await schoolWide(viewer, school.id, school.people, kind), `${slug} ${viewer} ${kind}`).toEqual(expected);
            for (const d of expected) reasons.add(d);
          }
        }
      }
    }
    expect(reasons).toEqual(new Set(['refused', 'allowed:trust-leader']));
  }, 300_000);

  it('deciding about a whole school takes two statements, the close people’s facts and the viewer’s grants, whatever its size', async () => {
    const school = schools.get('thomas-alleyne')!;
    const [head] = await db.prisma.person.findMany({ where: { schoolId: school.id, role: 'headteacher' }, select: { id: true } });
    const before = counted.statements;
    const access = await guard.checkSchool(head!.id, school.id, 'obligations', AT);
    expect(counted.statements - before).toBe(2);
    expect(access.everyoneElse).toEqual({ allowed: true, reason: 'head' });
  });
});
