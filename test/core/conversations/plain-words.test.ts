import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { complete } from './support/complete-dialog.ts';
import { SUMMARY_STEP } from '../../../src/core/conversations/engine/dialog-state.ts';

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

  it('no message of a check-in record under any preset shows a policy paragraph, an ISO date or a step name', async () => {
    const found: string[] = [];
    for (const preset of PRESETS) {
      const s = await seedSchool(db.prisma, preset, [
        { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
        { key: 't', fullName: 'Tess Teacher', role: 'teacher', lineManager: 'lm' },
      ]);
      const chat = new Chat(newEngine(db.prisma), s.ids.t!);
      await chat.user('checkin');
      let dates = 0;
      for (let turn = 0; turn < 30 && chat.last?.conversation?.status === 'active'; turn++) {
        const asked = chat.lastMessages().at(-1);
        if (chat.step() === SUMMARY_STEP) await chat.press('submit');
        else if (asked?.type === 'choices') await chat.press(asked.choices[0]!.value);
        // The check-in's date, then the next one's (after it).
        else if (/\bWhen\b|date/i.test(chat.lastBot())) await chat.user(dates++ === 0 ? '2 Oct' : '3/2/2027');
        else {
          // `skip` first, so a required question's refusal is read too; then an answer where it was refused.
          const before = chat.step();
          await chat.user('skip');
          if (chat.step() === before) await chat.user(`Answer ${turn + 1} about the term so far`);
        }
      }
      expect(chat.last?.conversation?.status, `${preset}: ${chat.lastBot()}`).toBe('completed');
      for (const line of chat.transcript.filter((l) => !l.startsWith('> '))) {
        for (const { what, pattern } of INTERNAL) {
          const hit = pattern.exec(line);
          if (hit !== null) found.push(`${preset} checkin: ${what} “${hit[0]}” in “${line.slice(Math.max(0, hit.index - 80), hit.index + 40)}”`);
        }
      }
    }
    expect(found).toEqual([]);
  }, 120_000);
});
