// An obligation's cycle and person are guarded by one foreign key, obligations (cycle_id,
// person_id) -> cycles (id, person_id), instead of two single-column checks (issue 16: a third of
// the checks on a roster's first load). The one key must refuse everything the two refused — an
// obligation under a cycle that is not there, or for a person who is not there — and also one
// whose person is not its cycle's person; and deleting a cycle or a person must still take their
// obligations with them, while deleting an item's owner still only clears the owner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let schoolId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  schoolId = (await db.prisma.school.create({ data: { slug: 'keyed', name: 'Keyed School', policy: {}, policySource: 'test', termDates: {} } })).id;
});
afterAll(() => db.drop());

async function personWithCycle(email: string): Promise<{ personId: string; cycleId: string }> {
  const person = await db.prisma.person.create({ data: { schoolId, email, fullName: email, role: 'teacher', contract: 'permanent' } });
  const cycle = await db.prisma.cycle.create({
    data: { schoolId, personId: person.id, academicYear: 2026, startsOn: new Date('2026-09-01'), endsOn: new Date('2027-08-31') },
  });
  return { personId: person.id, cycleId: cycle.id };
}

/** One obligation written the way the import's bulk insert writes them (raw SQL, both ids given). */
function insertObligation(key: string, cycleId: string, personId: string, ownerPersonId: string | null = null): Promise<number> {
  return db.prisma.$executeRaw`INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, opens_on, due_on, owner_role, owner_person_id, rule, updated_at)
    VALUES (gen_random_uuid(), ${key}, ${cycleId}::uuid, ${personId}::uuid, 'check-in', 'A check-in', '2026-10-01', '2026-10-15', 'reviewee', ${ownerPersonId}::uuid, '002 §31', now())`;
}

const foreignKeyViolation = /foreign key|23503|violates/i;

describe('one foreign key guards an obligation’s cycle and person (issue 16)', () => {
  it('takes an obligation whose person is its cycle’s person', async () => {
    const { personId, cycleId } = await personWithCycle('own@k.example');
    expect(await insertObligation('own:1', cycleId, personId)).toBe(1);
  });

  it('refuses an obligation whose person is not its cycle’s person', async () => {
    const amy = await personWithCycle('amy@k.example');
    const ben = await personWithCycle('ben@k.example');
    await expect(insertObligation('mixed:1', amy.cycleId, ben.personId)).rejects.toThrow(foreignKeyViolation);
    await expect(db.prisma.obligation.count({ where: { key: 'mixed:1' } })).resolves.toBe(0);
  });

  it('refuses moving an obligation to another person’s cycle, or to another person under its cycle', async () => {
    const cara = await personWithCycle('cara@k.example');
    const dan = await personWithCycle('dan@k.example');
    await insertObligation('move:1', cara.cycleId, cara.personId);
    await expect(db.prisma.$executeRaw`UPDATE obligations SET cycle_id = ${dan.cycleId}::uuid WHERE key = 'move:1'`).rejects.toThrow(foreignKeyViolation);
    await expect(db.prisma.$executeRaw`UPDATE obligations SET person_id = ${dan.personId}::uuid WHERE key = 'move:1'`).rejects.toThrow(foreignKeyViolation);
    const kept = await db.prisma.obligation.findUniqueOrThrow({ where: { key: 'move:1' } });
    expect({ cycleId: kept.cycleId, personId: kept.personId }).toEqual(cara);
  });

  it('refuses an obligation under a cycle that is not there, or for a person who is not there', async () => {
    const eve = await personWithCycle('eve@k.example');
    const missing = '0190f0e0-0000-7000-8000-000000000000';
    await expect(insertObligation('nocycle:1', missing, eve.personId)).rejects.toThrow(foreignKeyViolation);
    await expect(insertObligation('noperson:1', eve.cycleId, missing)).rejects.toThrow(foreignKeyViolation);
  });

  it('deletes a cycle’s obligations with the cycle, as before', async () => {
    const fay = await personWithCycle('fay@k.example');
    await insertObligation('fay:1', fay.cycleId, fay.personId);
    await insertObligation('fay:2', fay.cycleId, fay.personId);
    await db.prisma.cycle.delete({ where: { id: fay.cycleId } });
    await expect(db.prisma.obligation.count({ where: { key: { in: ['fay:1', 'fay:2'] } } })).resolves.toBe(0);
  });

  it('deletes a person’s obligations with the person, and only clears them as owner of someone else’s', async () => {
    const gus = await personWithCycle('gus@k.example');
    const hal = await personWithCycle('hal@k.example');
    await insertObligation('gus:1', gus.cycleId, gus.personId);
    await insertObligation('hal:owned-by-gus', hal.cycleId, hal.personId, gus.personId);
    await db.prisma.person.delete({ where: { id: gus.personId } });
    await expect(db.prisma.obligation.count({ where: { key: 'gus:1' } })).resolves.toBe(0);
    const owned = await db.prisma.obligation.findUniqueOrThrow({ where: { key: 'hal:owned-by-gus' } });
    expect(owned.ownerPersonId).toBeNull();
    expect(owned.personId).toBe(hal.personId);
  });

  it('keeps one key on (cycle_id, person_id) and no single-column keys to cycles or people', async () => {
    const keys = await db.prisma.$queryRaw<{ definition: string }[]>`SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid = 'obligations'::regclass AND contype = 'f' ORDER BY conname`;
    expect(keys.map((k) => k.definition)).toEqual([
      'FOREIGN KEY (cycle_id, person_id) REFERENCES cycles(id, person_id) ON UPDATE CASCADE ON DELETE CASCADE',
      'FOREIGN KEY (owner_person_id) REFERENCES people(id) ON UPDATE CASCADE ON DELETE SET NULL',
    ]);
  });
});
