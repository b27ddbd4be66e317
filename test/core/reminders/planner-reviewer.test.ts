import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relationshipsOn } from '../../../src/core/access/relationships.ts';
import { PrismaPeopleFacts } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaReminderStore } from '../../../src/storage/prisma/prisma-reminder-store.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { setUpSchool } from './support/school-year.ts';

const PRESETS = ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat'] as const;

/** Each person's reviewer as the reminder planner reads it and as the one model of who is who decides it, where they differ. */
async function differences(db: TestDatabase, slug: string, on: string): Promise<string[]> {
  const school = await db.prisma.school.findUniqueOrThrow({ where: { slug } });
  const { people } = await new PrismaReminderStore(db.prisma).loadSweepInputs(school.id, on, on);
  const facts = await new PrismaPeopleFacts(db.prisma).factsOf(people.map((p) => p.id));
  const names = new Map(people.map((p) => [p.id, p.email.split('@')[0]]));
  const out: string[] = [];
  for (const person of people) {
    const subject = facts.find((f) => f.person.id === person.id);
    const model = subject === undefined ? undefined : relationshipsOn(subject, on).reviewer?.id;
    const planner = person.reviewerId ?? person.lineManagerId;
    if (planner !== model) out.push(`${names.get(person.id)}: planner ${planner === undefined ? '-' : names.get(planner)}, model ${model === undefined ? '-' : names.get(model)}`);
  }
  return out.sort();
}

describe('the reminder planner escalates a reviewee’s own overdue items to the reviewer the one model of who is who decides (002 §25–28, 003 §6.1, 004 §3.9–3.10)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'trellis-planner-reviewer-'));
    for (const preset of PRESETS) await setUpSchool(db.url, dir, preset, preset);
    for (const preset of PRESETS) {
      const person = (local: string) => db.prisma.person.findFirstOrThrow({ where: { email: `${local}@${preset}.example` } });
      const [t1, t2, t9, deputy, hodEnglish] = await Promise.all([person('t1'), person('t2'), person('t9'), person('deputy'), person('hod.english')]);
      // A replacement reviewer after a request, from October (002 §27–28, 004 §3.10).
      await db.prisma.reviewerAssignment.create({ data: { revieweeId: t1.id, reviewerId: deputy.id, kind: 'reviewer', startsOn: new Date('2026-10-01'), reason: 'request' } });
      // A delegation that ended in September: the line manager reviews again afterwards (002 §25).
      await db.prisma.reviewerAssignment.create({ data: { revieweeId: t2.id, reviewerId: hodEnglish.id, kind: 'reviewer', startsOn: new Date('2026-09-01'), endsOn: new Date('2026-09-30'), reason: 'delegated' } });
      // A delegation that starts only in January is not in force before it (002 §25).
      await db.prisma.reviewerAssignment.create({ data: { revieweeId: t9.id, reviewerId: deputy.id, kind: 'reviewer', startsOn: new Date('2027-01-04'), reason: 'delegated' } });
    }
  }, 120_000);
  afterAll(() => db.drop());

  for (const preset of PRESETS) {
    it(`${preset}: the planner's reviewer is relationshipsOn's for every person, on days before, during and after the assignments (002 §25–28, 003 §6.1)`, async () => {
      const found: Record<string, string[]> = {};
      for (const on of ['2026-09-15', '2026-11-02', '2027-02-01']) found[on] = await differences(db, preset, on);
      expect(found).toEqual({ '2026-09-15': [], '2026-11-02': [], '2027-02-01': [] });
    });
  }

  it('the planner’s reviewer follows the seed: a replacement only from its start (002 §27–28), a delegation only while in force (002 §25), the coach under 003 §6.1, else the line manager (004 §3.9)', async () => {
    async function reviewers(slug: string, on: string): Promise<Record<string, string>> {
      const school = await db.prisma.school.findUniqueOrThrow({ where: { slug } });
      const { people } = await new PrismaReminderStore(db.prisma).loadSweepInputs(school.id, on, on);
      const local = new Map(people.map((p) => [p.id, p.email.split('@')[0]!]));
      const wanted = ['t1', 't2', 't3', 't9'];
      return Object.fromEntries(people.filter((p) => wanted.includes(local.get(p.id)!)).map((p) => [local.get(p.id)!, p.reviewerId === undefined ? '-' : local.get(p.reviewerId)!]));
    }
    expect(await reviewers('thomas-alleyne', '2026-09-15')).toEqual({ t1: 'hod.maths', t2: 'hod.english', t3: 'hod.maths', t9: 'hod.english' });
    expect(await reviewers('thomas-alleyne', '2026-11-02')).toEqual({ t1: 'deputy', t2: 'hod.maths', t3: 'hod.maths', t9: 'hod.english' });
    expect(await reviewers('thomas-alleyne', '2027-02-01')).toEqual({ t1: 'deputy', t2: 'hod.maths', t3: 'hod.maths', t9: 'deputy' });
    // Under 003 §6.1 the coach is the reviewer: Teacher 3's coach is the deputy.
    expect(await reviewers('tpat', '2026-09-15')).toEqual({ t1: 'hod.maths', t2: 'hod.english', t3: 'deputy', t9: 'hod.english' });
  });
});
