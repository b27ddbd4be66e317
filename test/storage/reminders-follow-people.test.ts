// Reminder and outbox rows have no foreign key to their recipient, and a reminder no stored id
// (issue 16: together about half the server's work of a busy sweep's reminder insert). What the
// keys' ON DELETE CASCADE did is done by a statement trigger on `people`; the id the deletion log
// records for a reminder is derived from its key. Whatever deletes people must still take their
// reminders and outbox rows, and only theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

async function school(slug: string): Promise<string> {
  return (await db.prisma.school.create({ data: { slug, name: slug, policy: {}, policySource: 'test', termDates: {} } })).id;
}

async function person(schoolId: string, email: string): Promise<string> {
  return (await db.prisma.person.create({ data: { schoolId, email, fullName: email, role: 'teacher', contract: 'permanent' } })).id;
}

/** A reminder for `recipientId`, written the way the sweep writes them (raw SQL, no id given), and its digest in the outbox. */
async function remind(recipientId: string, point: string): Promise<string> {
  const key = `0190f0e0-0000-7000-8000-000000000001:${point}:${recipientId}`;
  await db.prisma.$executeRaw`INSERT INTO reminders (key, recipient_id, point, audience, scheduled_on, send_on, due_on, updated_at)
    VALUES (${key}, ${recipientId}::uuid, ${point}, 'owner', '2026-10-15', '2026-10-15', '2026-10-20', now())`;
  await db.prisma.nudgeOutbox.create({ data: { key: `digest:${point}:${recipientId}`, recipientId, payload: { type: 'digest', date: '2026-10-15', reminderKeys: [key] } } });
  return key;
}

/** The given reminders still there, each with its digest (`+digest`) when that is still there too. */
const remaining = async (keys: readonly string[]): Promise<string[]> => {
  const reminders = await db.prisma.queuedReminder.findMany({ where: { key: { in: [...keys] } }, select: { key: true }, orderBy: { key: 'asc' } });
  const digests = new Set((await db.prisma.nudgeOutbox.findMany({ select: { payload: true } })).flatMap((row) => (row.payload as { reminderKeys: string[] }).reminderKeys));
  const gone = keys.filter((key) => digests.has(key) && !reminders.some((r) => r.key === key));
  if (gone.length > 0) throw new Error(`digests left behind for ${gone.join(', ')}`);
  return reminders.map((r) => (digests.has(r.key) ? `${r.key}+digest` : r.key));
};

describe('reminders and outbox rows without a foreign key to their recipient (issue 16)', () => {
  it('deletes a person’s reminders and digests with the person, and no one else’s', async () => {
    const schoolId = await school('one-person');
    const amy = await person(schoolId, 'amy@r.example');
    const ben = await person(schoolId, 'ben@r.example');
    const amys = [await remind(amy, 'due'), await remind(amy, 'due-minus-7')];
    const bens = [await remind(ben, 'due')];
    await db.prisma.person.delete({ where: { id: amy } });
    expect(await remaining([...amys, ...bens])).toEqual(bens.map((key) => `${key}+digest`));
  });

  it('deletes the reminders and digests of every person one statement deletes', async () => {
    const schoolId = await school('many-people');
    const people = await Promise.all(['c', 'd', 'e'].map((name) => person(schoolId, `${name}@r.example`)));
    const keys = await Promise.all(people.map((id) => remind(id, 'due')));
    const kept = await remind(await person(schoolId, 'kept@r.example'), 'due');
    await db.prisma.$executeRaw`DELETE FROM people WHERE id = ANY(${people}::uuid[])`;
    expect(await remaining([...keys, kept])).toEqual([`${kept}+digest`]);
  });

  it('deletes a school’s reminders and digests when the school goes (through its people’s cascade)', async () => {
    const gone = await school('gone');
    const stays = await school('stays');
    const goneKeys = [await remind(await person(gone, 'f@r.example'), 'due'), await remind(await person(gone, 'g@r.example'), 'due')];
    const stayKey = await remind(await person(stays, 'h@r.example'), 'due');
    await db.prisma.school.delete({ where: { id: gone } });
    expect(await remaining([...goneKeys, stayKey])).toEqual([`${stayKey}+digest`]);
  });

  it('gives each reminder an id derived from its key, the same on every read, never stored', async () => {
    const schoolId = await school('ids');
    const key = await remind(await person(schoolId, 'i@r.example'), 'due');
    const [first] = await db.prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM reminders WHERE key = ${key}`;
    const again = await db.prisma.queuedReminder.findUniqueOrThrow({ where: { key } });
    expect(first!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(again.id).toBe(first!.id);
    const [generated] = await db.prisma.$queryRaw<{ generated: string }[]>`
      SELECT a.attgenerated::text AS generated FROM pg_attribute a WHERE a.attrelid = 'reminders'::regclass AND a.attname = 'id'`;
    expect(generated!.generated).toBe('v');
  });
});
