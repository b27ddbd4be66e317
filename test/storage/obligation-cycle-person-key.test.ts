// An obligation's references, its cycle with its person and its owner, are checked once per
// statement over its rows (migration 20261202010000_obligation_references_by_statement_import16d),
// not by foreign keys checked row by row (issue 16: a third of the server's CPU for a roster's
// first load). The check must refuse everything the keys refused — an obligation under a cycle
// that is not there, for a person who is not there, whose person is not its cycle's, or owned by
// no one's id — in a statement of many rows too; it must hold what it checked against a
// concurrent delete, as a key's check does; and deleting a cycle or a person must still take their
// obligations with them, while deleting an item's owner still only clears the owner.
import pg from 'pg';
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

describe('an obligation’s cycle, person and owner are checked per statement (issue 16)', () => {
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

  it('refuses an owner who is not a person, on insert and on update', async () => {
    const ida = await personWithCycle('ida@k.example');
    const missing = '0190f0e0-0000-7000-8000-000000000001';
    await expect(insertObligation('noowner:1', ida.cycleId, ida.personId, missing)).rejects.toThrow(foreignKeyViolation);
    await insertObligation('ida:1', ida.cycleId, ida.personId, ida.personId);
    await expect(db.prisma.$executeRaw`UPDATE obligations SET owner_person_id = ${missing}::uuid WHERE key = 'ida:1'`).rejects.toThrow(foreignKeyViolation);
    await expect(db.prisma.obligation.findUniqueOrThrow({ where: { key: 'ida:1' } })).resolves.toMatchObject({ ownerPersonId: ida.personId });
    // An update that changes no reference is not held up by one (a status, a date).
    await expect(db.prisma.$executeRaw`UPDATE obligations SET status = 'done', completed_at = now() WHERE key = 'ida:1'`).resolves.toBe(1);
  });

  it('refuses a whole statement of many rows for one bad row among them, as a page of the import is written', async () => {
    const jo = await personWithCycle('jo@k.example');
    const kit = await personWithCycle('kit@k.example');
    const insertMany = (bad: boolean) => db.prisma.$executeRaw`INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, opens_on, due_on, owner_role, owner_person_id, rule, updated_at)
      SELECT gen_random_uuid(), 'many:' || ${String(bad)} || ':' || i, ${jo.cycleId}::uuid,
        CASE WHEN ${bad} AND i = 4000 THEN ${kit.personId}::uuid ELSE ${jo.personId}::uuid END, 'check-in', 'A check-in', '2026-10-01', '2026-10-15', 'reviewer', ${kit.personId}::uuid, '002 §31', now()
      FROM generate_series(1, 5000) AS i`;
    await expect(insertMany(true)).rejects.toThrow(foreignKeyViolation);
    await expect(db.prisma.obligation.count({ where: { key: { startsWith: 'many:' } } })).resolves.toBe(0);
    await expect(insertMany(false)).resolves.toBe(5000);
  });

  it('holds the cycle and the owner it checked until the writer ends: a delete of either waits, as for a foreign key', async () => {
    const lee = await personWithCycle('lee@k.example');
    const max = await personWithCycle('max@k.example');
    const writer = new pg.Client({ connectionString: db.url });
    const other = new pg.Client({ connectionString: db.url });
    await writer.connect();
    await other.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(
        `INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, opens_on, due_on, owner_role, owner_person_id, rule, updated_at)
         VALUES (gen_random_uuid(), 'held:1', $1, $2, 'check-in', 'A check-in', '2026-10-01', '2026-10-15', 'reviewer', $3, '002 §31', now())`,
        [lee.cycleId, lee.personId, max.personId],
      );
      await other.query("SET lock_timeout = '300ms'");
      await expect(other.query('DELETE FROM cycles WHERE id = $1', [lee.cycleId])).rejects.toThrow(/lock timeout/);
      await expect(other.query('DELETE FROM people WHERE id = $1', [max.personId])).rejects.toThrow(/lock timeout/);
      await writer.query('COMMIT');
    } finally {
      await writer.end();
      await other.end();
    }
    await expect(db.prisma.obligation.count({ where: { key: 'held:1' } })).resolves.toBe(1);
  });

  it('refuses a row naming a cycle deleted by a transaction that committed while the check waited for it', async () => {
    const ned = await personWithCycle('ned@k.example');
    const deleter = new pg.Client({ connectionString: db.url });
    const writer = new pg.Client({ connectionString: db.url });
    await deleter.connect();
    await writer.connect();
    try {
      await deleter.query('BEGIN');
      await deleter.query('DELETE FROM cycles WHERE id = $1', [ned.cycleId]);
      const inserted = writer.query(
        `INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, opens_on, due_on, owner_role, rule, updated_at)
         VALUES (gen_random_uuid(), 'late:1', $1, $2, 'check-in', 'A check-in', '2026-10-01', '2026-10-15', 'reviewee', '002 §31', now())`,
        [ned.cycleId, ned.personId],
      );
      const refused = expect(inserted).rejects.toThrow(foreignKeyViolation);
      // The insert waits on the deleter's row lock; the delete commits; the check then finds no cycle.
      // (Asked outside the deleter's transaction: within one, pg_stat_activity is read once and kept.)
      const waiting = async (): Promise<void> => {
        for (;;) {
          const [row] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%late:1%'`;
          if (row!.n > 0) return;
        }
      };
      await waiting();
      await deleter.query('COMMIT');
      await refused;
    } finally {
      await deleter.end();
      await writer.end();
    }
    await expect(db.prisma.obligation.count({ where: { key: 'late:1' } })).resolves.toBe(0);
  });

  it('keeps no foreign key on obligations: the statement triggers stand in for them', async () => {
    const keys = await db.prisma.$queryRaw<{ definition: string }[]>`SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid = 'obligations'::regclass AND contype = 'f' ORDER BY conname`;
    expect(keys).toEqual([]);
    const triggers = await db.prisma.$queryRaw<{ name: string }[]>`SELECT tgname AS name FROM pg_trigger
      WHERE NOT tgisinternal AND tgname IN ('obligations_references_inserted', 'obligations_references_updated', 'cycles_deleted_obligations',
        'people_deleted_obligation_owners', 'cycles_key_changed_obligations', 'people_id_changed_obligation_owners') ORDER BY tgname`;
    expect(triggers).toHaveLength(6);
  });
});
