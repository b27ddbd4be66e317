import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_CHOICE } from '../../../src/core/conversations/engine/commands.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { seedSchool, type SeededSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { postInteraction } from './support/signed-requests.ts';
import { buttonsOf, nextReplies, SlackUser, type SlackWorld, settle, startSlackWorld, TEAM, textOf, threadMessages } from './support/slack-harness.ts';

let db: TestDatabase;
let world: SlackWorld;
let school: SeededSchool;
let slug: string;

beforeAll(async () => {
  db = await createTestDatabase();
  school = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 'theo', fullName: 'Theo Teacher', role: 'teacher', flags: ['tlr'] }]);
  slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  world = await startSlackWorld(db, fixedClock('2026-10-05T09:00:00Z'));
});
afterAll(async () => {
  await world.close();
  await db.drop();
});

interface ModalBlock {
  type: string;
  block_id: string;
  optional: boolean;
  label: { text: string };
  hint?: { text: string };
  element: { type: string; max_length?: number; initial_value?: string };
}
interface Modal {
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  blocks: ModalBlock[];
}

/** A view_submission as Slack sends it, each input's state in the shape of its element. */
function submission(view: Modal, viewId: string, values: Record<string, string>) {
  const state = Object.fromEntries(
    view.blocks.map((block) => {
      const value = values[block.block_id] ?? '';
      const element =
        block.element.type === 'datepicker'
          ? { type: 'datepicker', selected_date: value || null }
          : block.element.type === 'static_select'
            ? { type: 'static_select', selected_option: value ? { value } : null }
            : { type: 'plain_text_input', value };
      return [block.block_id, { value: element }];
    }),
  );
  return {
    type: 'view_submission',
    team: { id: TEAM, domain: 'example' },
    user: { id: 'UTHEO', username: 'theo', name: 'theo', team_id: TEAM },
    api_app_id: 'A123ABC456',
    token: 'verification-token',
    trigger_id: `trig.view.${viewId}`,
    view: { id: viewId, team_id: TEAM, type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, blocks: view.blocks, state: { values: state }, hash: 'h', app_id: 'A123ABC456' },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

describe('a section form as a Slack modal', () => {
  it('opens the 002 §10–12 plan as one modal from “Answer in a form” with the 002 Annex 1 §4 observation arrangements as selects (the 002 §48 pattern first) and a box for something else, shows a refused target on its field (response_action: errors) and saves the corrected form', async () => {
    const theo = new SlackUser(world, 'UTHEO', `theo@${slug}.example`);
    const started = await theo.say('plan');
    const opening = await nextReplies(world, started.ts, 0);
    const offer = opening.find((m) => buttonsOf(m).includes(FORM_CHOICE))!;
    expect(textOf(offer)).toMatch(/You can answer “Growth plan” \(19 questions\) in one form, or one at a time here\./);

    const opened = world.fake.callsOf('views.open').length;
    expect((await theo.press(offer, FORM_CHOICE)).status).toBe(200);
    await settle(world);
    // The modal opens at once on a placeholder (trigger_id lives 3 seconds), then becomes the form.
    expect(world.fake.callsOf('views.open').length).toBe(opened + 1);
    const view = world.fake.callsOf('views.update').at(-1)!.body.view as Modal;
    expect(view.callback_id).toBe('trellis_form');
    expect(view.title.text).toBe('Growth plan');
    expect(view.blocks).toHaveLength(19);
    const timing = view.blocks.find((b) => b.block_id === 'observation-timing')! as ModalBlock & { element: { options: { text: { text: string }; value: string }[] } };
    expect(timing).toMatchObject({ optional: false, element: { type: 'static_select' } });
    expect(timing.element.options.map((o) => o.text.text)).toEqual(['One graded at the start of the cycle, a second reviewing progress', 'At other times']);
    expect(view.blocks.find((b) => b.block_id === 'observation-observer-other')).toMatchObject({ optional: true, element: { type: 'plain_text_input' } });
    const target = view.blocks[0]!;
    expect(target).toMatchObject({ type: 'input', optional: false, element: { type: 'plain_text_input', max_length: 3000 } });
    expect(target.hint?.text).toMatch(/what is the target\? Make it SMART/);
    expect(view.blocks.find((b) => b.block_id.endsWith('-by'))!.element.type).toBe('datepicker');

    const values = Object.fromEntries(
      view.blocks.map((b) => [b.block_id, b.block_id.endsWith('-other') ? '' : b.element.type === 'static_select' ? 'other' : b.block_id.endsWith('-by') ? '2027-07-01' : b.block_id.endsWith('-area') ? 'SIP 2: outcomes' : 'Agreed at the meeting']),
    );
    values['observation-amount'] = '90';
    values['observation-timing'] = 'usual';
    values['observation-duration'] = 'whole-lesson';
    values['observation-observer-other'] = 'Olly Observer, Head of Maths';
    const refused = await postInteraction(world.app.server.url, submission(view, 'VPLAN1', values));
    await settle(world);
    expect(refused.status).toBe(200);
    expect(JSON.parse(refused.text)).toEqual({ response_action: 'errors', errors: { [target.block_id]: expect.stringMatching(/^The pupil-progress target has to be quantitative/) } });

    const before = threadMessages(world.fake, started.ts).length;
    const saved = await postInteraction(world.app.server.url, submission(view, 'VPLAN1', { ...values, [target.block_id]: '80% of 11X reach grade 5+' }));
    expect(saved.status).toBe(200);
    expect(saved.text).toBe('');
    const replies = (await nextReplies(world, started.ts, before)).map(textOf).join('\n');
    expect(replies).toMatch(/Saved all 16 answers from the form\./);
    expect(replies).toMatch(/Is this ready to submit\?/);
    const conversation = await db.prisma.conversation.findFirstOrThrow({ where: { personId: school.ids.theo!, dialogId: 'growth-plan' } });
    expect((conversation.values as { values: Record<string, unknown> }).values).toMatchObject({ [target.block_id]: '80% of 11X reach grade 5+', 'observation-amount': '90', 'observation-observer': 'other', 'observation-observer-other': 'Olly Observer, Head of Maths' });
  });
});
