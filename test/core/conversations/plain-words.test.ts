import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { complete } from './support/complete-dialog.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const PRESETS = ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat'] as const;

/** What must not reach a person unless they ask `why`: a policy paragraph, an ISO date, a step's internal name. */
const INTERNAL = [
  { what: 'a policy paragraph', pattern: /§/ },
  { what: 'an ISO date', pattern: /\b\d{4}-\d{2}-\d{2}\b/ },
  { what: 'a step name', pattern: /\b(ts\d+|hs\d+)-[a-z]+\b|\$summary/ },
];

describe('dates and words people use in the reflection and the plan, message by message', () => {
  it('no message of the self-reflection or the growth plan under any preset shows a policy paragraph, an ISO date or a step name', async () => {
    const found: string[] = [];
    for (const preset of PRESETS) {
      for (const trigger of ['reflect', 'plan']) {
        const s = await seedSchool(db.prisma, preset, [{ key: 't', fullName: 'Tess Teacher', role: 'teacher' }]);
        const chat = new Chat(newEngine(db.prisma), s.ids.t!);
        await complete(chat, trigger, 'chat');
        const said = chat.transcript.filter((line) => !line.startsWith('> '));
        expect(said.length).toBeGreaterThan(5);
        for (const line of said) {
          for (const { what, pattern } of INTERNAL) {
            const hit = pattern.exec(line);
            if (hit !== null) found.push(`${preset} ${trigger}: ${what} “${hit[0]}” in “${line.slice(Math.max(0, hit.index - 80), hit.index + 40).replace(/\n/g, " ⏎ ")}”`);
          }
        }
      }
    }
    expect(found).toEqual([]);
  }, 180_000);
});
