import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ALL_DIALOGS } from '../src/core/conversations/dialogs/all-dialogs.ts';
import { ConversationEngine } from '../src/core/conversations/engine/run-turn.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { openDatabase } from '../src/storage/db/open-database.ts';
import { PrismaConversationStore } from '../src/storage/prisma/prisma-conversation-store.ts';
import { ms, summarise } from './bench-support.ts';

/**
 * Conversations issue figure: server-side time per turn (inbound marker + state load/lock + the
 * dialog + state save + any records, in one transaction) over 1,000 turns against a real
 * PostgreSQL — BENCH_DATABASE_URL, or an embedded one in a temporary folder. The turns are a mix
 * of whole self-reflections, check-ins and diary lines, so completions (record writes and
 * obligation updates) are included.
 */
const TURNS = Number(process.env.BENCH_TURNS ?? 1000);
const PEOPLE = 40;
const clock = fixedClock('2026-10-05T09:00:00Z');

const REFLECTION = ['reflect', ...Array.from({ length: 9 }, (_, i) => [`Doing well on standard ${i + 1}`, i % 3 === 0 ? 'skip' : 'Try something new']).flat(), 'Results', 'Feedback', 'Behaviour', 'submit'];
const CHECK_IN = ['check-in', 'today', 'Expectations', 'Book CPD', 'Fine thanks', 'skip', '3/2/2027', 'submit'];
const DIARY = ['log tried cold-calling with 9X, much better participation'];
const SCRIPTS = [REFLECTION, CHECK_IN, DIARY, CHECK_IN];

const dataDir = await mkdtemp(join(tmpdir(), 'trellis-bench-'));
await chmod(dataDir, 0o755);
const db = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL, dataDir });
try {
  const prisma = db.prisma;
  const school = await prisma.school.create({ data: { slug: `bench-${randomUUID()}`, name: 'Bench', policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: {} } });
  const manager = await prisma.person.create({ data: { schoolId: school.id, email: 'head@bench.example', fullName: 'Head Bench', role: 'leader' } });
  const people: string[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const person = await prisma.person.create({ data: { schoolId: school.id, email: `p${i}@bench.example`, fullName: `Person ${i}`, role: 'teacher', lineManagerId: manager.id } });
    await prisma.cycle.create({ data: { schoolId: school.id, personId: person.id, academicYear: 2026, startsOn: new Date('2026-09-01T00:00:00Z'), endsOn: new Date('2027-08-31T00:00:00Z') } });
    people.push(person.id);
  }
  const engine = new ConversationEngine({ store: new PrismaConversationStore(prisma), clock, dialogs: ALL_DIALOGS });
  const send = (personId: string, thread: string, text: string) =>
    engine.handle({ tenant: 'bench', platform: 'slack', threadKey: thread, personId, messageId: randomUUID(), input: { kind: 'text', text } });

  // Warm up the connection pool, the JIT and the policy cache outside the measurement.
  for (const text of CHECK_IN) await send(people[0]!, 'warm-up', text);

  const samples: number[] = [];
  let script = 0;
  while (samples.length < TURNS) {
    const personId = people[script % PEOPLE]!;
    const lines = SCRIPTS[script % SCRIPTS.length]!;
    const thread = `thread-${script}`;
    for (const text of lines) {
      if (samples.length >= TURNS) break;
      const started = performance.now();
      await send(personId, thread, text);
      samples.push(performance.now() - started);
    }
    script++;
  }
  const stats = summarise(samples);
  console.log(`conversation turns: ${samples.length} turns over ${script} dialogs against ${db.embedded ? 'embedded' : 'external'} PostgreSQL`);
  console.log(`  median ${ms(stats.median)}, p99 ${ms(stats.p99)} (min ${ms(stats.min)}, max ${ms(stats.max)})`);
} finally {
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
}
