import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chat, newEngine, OCTOBER } from '../core/conversations/support/chat.ts';
import { countingClient } from '../support/counting-client.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');

let db: TestDatabase;
let personId: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z' }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  const set = await trellis('school', 'set', 'cached', '--policy', 'whmat', '--terms', TERMS);
  expect(set.code).toBe(0);
  const school = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'cached' } });
  const person = await db.prisma.person.create({ data: { schoolId: school.id, email: 'tara@cached.example', fullName: 'Tara Teacher', role: 'teacher' } });
  await db.prisma.cycle.create({ data: { schoolId: school.id, personId: person.id, academicYear: 2026, startsOn: new Date('2026-09-01T00:00:00Z'), endsOn: new Date('2027-08-31T00:00:00Z') } });
  personId = person.id;
});
afterAll(() => db.drop());

/** A self-reflection's first question and `why` for it, which quotes the policy's own paragraph. */
async function openingOn(engine: ReturnType<typeof newEngine>): Promise<string> {
  const chat = new Chat(engine, personId);
  await chat.user('reflect');
  await chat.user('why');
  return chat.transcript.join('\n');
}

/** The same from an engine with nothing cached. */
const freshOpening = () => openingOn(newEngine(db.prisma, OCTOBER));

describe('the school’s policy kept per process for turns', () => {
  it('a policy applied with `trellis school set` (WHMAT → TPAT) is seen by the very next turn in two processes that had both cached the old one', async () => {
    const replicaA = newEngine(db.prisma, OCTOBER);
    const replicaB = newEngine(db.prisma, OCTOBER);
    const whmat = await freshOpening();
    expect(await openingOn(replicaA)).toBe(whmat);
    expect(await openingOn(replicaB)).toBe(whmat);

    const applied = await trellis('school', 'set', 'cached', '--policy', 'tpat', '--terms', TERMS);
    expect(applied.code).toBe(0);
    const tpat = await freshOpening();
    expect(tpat).not.toBe(whmat);
    expect(await openingOn(replicaA)).toBe(tpat);
    expect(await openingOn(replicaB)).toBe(tpat);
  });

  it('a turn from a process that already holds the school costs the same statements as the first one that read it', async () => {
    const { client, counter } = countingClient(db.prisma);
    const engine = newEngine(client, OCTOBER, db.prisma);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = counter.statements;
      await openingOn(engine);
      counts.push(counter.statements - before);
    }
    expect(new Set(counts).size, `statements: ${counts.join(', ')}`).toBe(1);
  });
});
