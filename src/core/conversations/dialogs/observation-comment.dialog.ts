import { defineDialog } from '../engine/define-dialog.ts';
import { textOf, type Values } from '../engine/json-value.ts';
import { type OutgoingMessage, say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { choiceStep, textStep } from '../engine/step.ts';
import { cycleOrExplain } from './dialog-helpers.ts';

/**
 * 002 Annex 1 §11 (and 001, 003, 004 likewise): the observed teacher reads the record of an
 * observation of their lesson and may append their own comments to it.
 */
export const observationCommentDialog = defineDialog({
  id: 'observation-comment',
  version: 1,
  title: 'Observation comments',
  triggers: ['observation comment', 'observation comments', 'comment on observation'],
  async open(env) {
    if (!env.policy.observation.teacherMayAppendComments) return { unavailable: `Your school’s policy (${env.policy.name}) doesn’t provide for comments on observation records.` };
    const cycle = await cycleOrExplain(env);
    if ('unavailable' in cycle) return cycle;
    const observations = (await env.reads.observationsForCycle(cycle.id)).filter((o) => o.personId === env.person.id).reverse();
    if (observations.length === 0) return { unavailable: 'There are no observations of your lessons recorded this cycle.' };
    const chosen = (values: Values) => observations.find((o) => o.id === values.observation);
    const record = (values: Values): OutgoingMessage[] => {
      const o = chosen(values);
      if (o === undefined) return [];
      const items = [
        { label: 'Observer', value: o.observerName ?? '(not recorded)' },
        { label: 'Class', value: o.className },
        { label: 'Length', value: `${o.minutes} minutes` },
        { label: 'Focus', value: o.focus ?? '(none given)' },
        ...(o.teacherComment === undefined ? [] : [{ label: 'Your comments so far', value: o.teacherComment }]),
      ];
      return [{ type: 'summary', title: `Observation of ${showDate(o.observedOn, env.today)}`, items }];
    };
    const steps = [
      choiceStep({
        name: 'observation',
        label: 'Observation',
        question: 'Which observation would you like to comment on?',
        choices: observations.map((o) => ({ label: `${showDate(o.observedOn, env.today)} — ${o.className}`, value: o.id })),
      }),
      textStep({ name: 'comment', label: 'Your comments', question: 'What would you like to add to the record? It is appended in your words.', minLength: 5, preamble: record }),
    ];
    return {
      intro: [],
      confirm: true,
      summaryTitle: 'Your comments',
      help: `Append your comments to an observation record (${env.policy.observation.rule}).`,
      steps: () => steps,
      async complete(values, records) {
        const o = chosen(values);
        const saved = o !== undefined && (await records.appendObservationComment({ observationId: o.id, personId: env.person.id, comment: textOf(values, 'comment') }));
        if (!saved || o === undefined) return { messages: [say('That observation record is no longer there — nothing was saved.')] };
        return {
          messages: [say(`Your comments are added to the observation of ${showDate(o.observedOn, env.today)}.`)],
          notifications: o.observerId === undefined ? [] : [{ personId: o.observerId, messages: [say(`${env.person.fullName} added comments to your observation of ${showDate(o.observedOn, env.today)} (${o.className}).`)] }],
        };
      },
    };
  },
});
