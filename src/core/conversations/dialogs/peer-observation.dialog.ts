import { isAfter } from '../../calendar/iso-date.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { textOf } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { citing, dateStep, textStep } from '../engine/step.ts';
import { anyColleagueStep, chosenColleague } from './colleague-step.ts';
import { cycleOrExplain, firstName } from './dialog-helpers.ts';

/**
 * A peer observation (001 "Observation": "each teacher is expected to observe a colleague with the
 * sole focus of going to learn from them"; 004 §7.5): the teacher records whose lesson they visited
 * — any colleague in the school, not only people they review — when, what they learned and the
 * next step it gives them. It is the observer's record, in their cycle; nothing about the
 * colleague's teaching is judged or counted towards an observation cap. Recording it completes the
 * observer's peer observation for the year.
 */
/** Where the policies ask for a visit to learn from a colleague, when the policy's own peer observation does not say. */
const PEER_OBSERVATION_RULE = '001 “Observation”, 004 §7.5';

export const peerObservationDialog = defineDialog({
  id: 'peer-observation',
  version: 1,
  title: 'Peer observation',
  triggers: ['peer observation', 'peer-observation', 'peer'],
  async open(env) {
    const cycle = await cycleOrExplain(env);
    if ('unavailable' in cycle) return cycle;
    const colleagues = await env.reads.colleaguesInSchool(env.person.schoolId, env.person.id);
    if (colleagues.length === 0) return { unavailable: 'I can’t find any colleagues of yours on the staff list, so there’s no one to record a visit to.' };
    const steps = [
      anyColleagueStep(colleagues, 'Whose lesson did you visit to learn from?'),
      dateStep({
        name: 'observed-on',
        label: 'Date',
        question: 'When was the visit? (e.g. `today`, `14/10`)',
        check: (date, stepEnv) => (isAfter(date, stepEnv.today) ? 'That date is still to come — record the visit once it has happened.' : undefined),
      }),
      textStep({ name: 'lesson', label: 'Lesson', question: 'Which lesson or class did you see? (e.g. `Year 9 science`)' }),
      textStep({ name: 'learned', label: 'What I learned', question: 'What did you learn from them?', minLength: 10 }),
      textStep({
        name: 'next-steps',
        label: 'My next step',
        question: 'What next step in your own development will you take from it?',
        minLength: 10,
        required: 'The visit is there to identify your next steps — one is enough.',
      }),
    ];
    return {
      intro: [say('Let’s record your peer observation: a visit to a colleague’s lesson with the sole focus of learning from them.')],
      confirm: true,
      summaryTitle: 'Peer observation',
      help: 'Records a visit you made to any colleague’s lesson to learn from them, and the next step you take from it. It is your record; nothing about their teaching is judged.',
      steps: () => citing(env.policy.obligations.find((o) => o.kind === 'peer-observation')?.rule ?? PEER_OBSERVATION_RULE, steps),
      async complete(values, records) {
        const colleague = chosenColleague(colleagues, values);
        if (colleague === undefined) return { messages: [say('I couldn’t find that colleague any more, so nothing was saved. Please start again.')] };
        const observedOn = textOf(values, 'observed-on');
        await records.savePeerObservation({
          cycleId: cycle.id,
          observerId: env.person.id,
          colleagueId: colleague.id,
          observedOn,
          lesson: textOf(values, 'lesson'),
          learned: textOf(values, 'learned'),
          nextSteps: textOf(values, 'next-steps'),
        });
        const completed = await records.completeObligation({ personId: env.person.id, cycleId: cycle.id, kind: 'peer-observation', on: observedOn, at: env.now });
        const saved = `Saved your visit to ${firstName(colleague.fullName)}’s lesson (${textOf(values, 'lesson')}, ${showDate(observedOn, env.today)}).`;
        return { messages: [say(completed ? `${saved} That is your peer observation for the year done.` : saved)] };
      },
    };
  },
});
