import { defineDialog } from '../engine/define-dialog.ts';
import { textOf } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { citing, type Step, textStep } from '../engine/step.ts';
import { cycleOrExplain, firstName } from './dialog-helpers.ts';

/**
 * The end-of-cycle review in 001's "Professional growth plan: review" form: what you intended,
 * what you did, the impact on students' learning and how you measured it, and recommendations
 * for colleagues. 001 asks for it to go to the head of department: the reviewer is told.
 */
export const endOfCycleReviewDialog = defineDialog({
  id: 'end-of-cycle-review',
  version: 1,
  title: 'End-of-cycle review',
  triggers: ['review', 'end of cycle review', 'end-of-cycle review'],
  async open(env) {
    const cycle = await cycleOrExplain(env);
    if ('unavailable' in cycle) return cycle;
    const reviewer = await env.reads.reviewerOf(env.person.id, env.today);
    const steps: Step[] = [
      textStep({ name: 'intended', label: 'What I intended', question: 'What did you intend to achieve this year?' }),
      textStep({ name: 'did', label: 'What I did', question: 'What did you do to move towards achieving this aim?' }),
      textStep({
        name: 'impact',
        label: 'Impact',
        question: 'IMPACT: what has the impact been of this work on the students’ learning, and how did you measure your success?',
        minLength: 20,
        validate: {
          test: (text) => /\b(measur|evidence|data|assess|test|result|work|books?|survey|score|percent|%|\d)/i.test(text),
          message: 'Please say how you measured it too — the evidence you used (students’ work, assessment data, a survey…).',
        },
      }),
      textStep({
        name: 'recommendations',
        label: 'Recommendations for colleagues',
        question: 'RECOMMENDATIONS FOR COLLEAGUES: what would you recommend to colleagues focusing on this area, and how could your findings work in other contexts?',
      }),
    ];
    return {
      intro: [say('Your end-of-cycle review. Four questions — the challenge is to always improve, to always get better.')],
      confirm: true,
      summaryTitle: 'End-of-cycle review',
      help: 'The 001 review form (001 “Professional growth plan: review”): intention, action, impact and how measured, recommendations for colleagues.',
      // In plain words when asked; `why` names the paragraph.
      steps: () => citing('001 “Professional growth plan: review”', steps),
      async complete(values, records) {
        await records.saveEndOfCycleReview({
          cycleId: cycle.id,
          personId: env.person.id,
          reviewerId: reviewer?.id,
          intended: textOf(values, 'intended'),
          did: textOf(values, 'did'),
          impact: textOf(values, 'impact'),
          recommendations: textOf(values, 'recommendations'),
          details: { form: '001 Professional growth plan: review', submittedOn: env.today },
          completedAt: env.now,
        });
        await records.completeObligation({ personId: env.person.id, cycleId: cycle.id, kind: 'end-of-cycle-review', on: env.today, at: env.now });
        // 002 §16: the appeal window runs from the reviewer's final report (`final report`), not from this review.
        const appealNote = env.policy.finalReport === undefined ? '' : ' Your reviewer will issue your final report; any appeal runs from then.';
        if (reviewer === undefined) return { messages: [say(`Your end-of-cycle review is saved. I couldn’t find your reviewer or head of department, so please send it to them yourself.${appealNote}`)] };
        return {
          messages: [say(`Your end-of-cycle review is saved and I’ve sent it to ${firstName(reviewer.fullName)}.${appealNote}`)],
          notifications: [{ personId: reviewer.id, messages: [say(`${env.person.fullName} has completed their end-of-cycle review. Impact: ${textOf(values, 'impact')}`)] }],
        };
      },
    };
  },
});
