import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderModal } from '../../../src/channels/slack/render-views.ts';
import { FORM_CHOICE } from '../../../src/core/conversations/engine/commands.ts';
import type { OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { Chat, newEngine } from '../../core/conversations/support/chat.ts';
import { answerFor } from '../../core/conversations/support/complete-dialog.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

type Json = Record<string, unknown>;

/** Slack's documented limits for a modal view and its input blocks (Block Kit reference: views, input block, plain_text_input, static_select, option). */
function blockKitProblems(view: Json): string[] {
  const problems: string[] = [];
  const over = (what: string, value: string, max: number) => {
    if (value.length > max) problems.push(`${what} is ${value.length} characters, over ${max}`);
  };
  over('title', text(view.title), 24);
  over('submit', text(view.submit), 24);
  over('close', text(view.close), 24);
  over('callback_id', String(view.callback_id ?? ''), 255);
  over('private_metadata', String(view.private_metadata ?? ''), 3000);
  const blocks = view.blocks as Json[];
  if (blocks.length > 100) problems.push(`${blocks.length} blocks, over 100`);
  const ids = new Set<string>();
  for (const block of blocks) {
    const id = String(block.block_id);
    if (ids.has(id)) problems.push(`block_id ${id} twice`);
    ids.add(id);
    over(`block_id ${id}`, id, 255);
    if (block.type === 'section') {
      over(`${id} section text`, text(block.text), 3000);
      continue;
    }
    if (block.type !== 'input') problems.push(`${id} is a ${String(block.type)} block`);
    over(`${id} label`, text(block.label), 2000);
    if (text(block.label) === '') problems.push(`${id} has no label`);
    if (block.hint !== undefined) over(`${id} hint`, text(block.hint), 2000);
    const element = block.element as Json;
    over(`${id} action_id`, String(element.action_id), 255);
    if (element.type === 'plain_text_input') {
      const max = Number(element.max_length);
      if (!(max >= 1 && max <= 3000)) problems.push(`${id} max_length ${max} is not 1–3000`);
      if (element.initial_value !== undefined) over(`${id} initial_value`, String(element.initial_value), max);
    } else if (element.type === 'static_select') {
      const options = element.options as Json[];
      if (options.length < 1 || options.length > 100) problems.push(`${id} has ${options.length} options, not 1–100`);
      for (const option of options) {
        over(`${id} option text`, text(option.text), 75);
        over(`${id} option value`, String(option.value), 150);
      }
    } else if (element.type === 'datepicker') {
      if (element.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(element.initial_date))) problems.push(`${id} initial_date ${String(element.initial_date)}`);
    } else problems.push(`${id} has an unexpected element ${String(element.type)}`);
  }
  return problems;
}

const PRESETS = ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat'] as const;

describe('section forms as Slack modals keep within Block Kit limits', () => {
  it('every section form of the reflection and the plan under every preset, empty and prefilled with long answers, renders as a valid modal', async () => {
    let checked = 0;
    const problems: string[] = [];
    for (const preset of PRESETS) {
      for (const trigger of ['reflect', 'plan']) {
        // A UPR/TLR teacher, so the optional sections (wider impact, 001's leadership goal) are there too.
        const s = await seedSchool(db.prisma, preset, [{ key: 't', fullName: 'Tess Teacher', role: 'teacher', flags: ['upr', 'tlr'] }]);
        const chat = new Chat(newEngine(db.prisma), s.ids.t!);
        await chat.user(trigger);
        let n = 0;
        for (let guard = 0; guard < 20 && chat.step() !== '$summary' && chat.last?.conversation?.status === 'active'; guard++) {
          await chat.press(FORM_CHOICE);
          const form = chat.lastMessages().find((m): m is Extract<OutgoingMessage, { type: 'form' }> => m.type === 'form');
          if (form === undefined) throw new Error(`${preset} ${trigger}: no form at ${chat.step()}`);
          const values = Object.fromEntries(form.fields.map((f) => [f.id, f.value ?? answerFor(f, ++n)]));
          // Empty, full (3,000 characters, the most a Slack input holds) and longer (4,000, the most a dialog takes: shown as notes).
          const filled = (length: number) => form.fields.map((f) => ({ ...f, value: f.kind === 'long-text' || f.kind === 'text' ? 'x'.repeat(length) : values[f.id] }));
          for (const fields of [form.fields, filled(3000), filled(4000)]) {
            for (const problem of blockKitProblems(renderModal(form.title, fields, 'section_form', JSON.stringify({ channel: 'D0123456789', threadTs: '1700000000.000100' })))) problems.push(`${preset} ${trigger} “${form.title}”: ${problem}`);
            checked++;
          }
          await chat.send({ kind: 'form', values });
          if (chat.last?.fieldErrors !== undefined) throw new Error(`refused: ${JSON.stringify(chat.last.fieldErrors)}`);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(PRESETS.length * 2 * 3);
    expect(problems).toEqual([]);
  }, 120_000);

  it('an earlier answer longer than a Slack input holds is shown as a note, not cut: only inputs are sent back, so saving leaves it as it is', () => {
    const long = `${'Cold calling in every lesson. '.repeat(116)}The end.`;
    expect(long.length).toBeGreaterThan(3000);
    const view = renderModal(
      'Reflection: the standards',
      [
        { id: 'ts1-next', label: 'Standard 1 — next step', kind: 'long-text', required: false, value: long },
        { id: 'ts2-next', label: 'Standard 2 — next step', kind: 'long-text', required: false, value: 'Hinge questions' },
      ],
      'section_form',
      '{}',
    );
    const [note, input] = view.blocks as Json[];
    expect(note).toMatchObject({ type: 'section', block_id: 'ts1-next' });
    expect(text(note!.text)).toBe(`*Standard 1 — next step*\nYour answer is ${long.length.toLocaleString('en-GB')} characters, more than a Slack form holds, so it stays as it is. To change it, say \`edit Standard 1 — next step\` in the thread.`);
    expect(input).toMatchObject({ type: 'input', block_id: 'ts2-next', element: { initial_value: 'Hinge questions' } });
    expect(blockKitProblems(view)).toEqual([]);
  });
});

function text(value: unknown): string {
  return String((value as Json | undefined)?.text ?? '');
}
