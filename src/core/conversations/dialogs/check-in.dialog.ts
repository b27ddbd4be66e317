import { isAfter } from '../../calendar/iso-date.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { optionalText, textOf } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { dateStep, type Step, textStep } from '../engine/step.ts';
import { cycleOrExplain, firstName } from './dialog-helpers.ts';

/**
 * Recording a check-in (004 §6.6–6.8, 003 §10–11): the date, what was discussed, the actions
 * agreed, a wellbeing check where the policy has one, a note for the growth diary / log, and the
 * next check-in. The appraisee records it (004 §6.6); the reviewer is told.
 */
export const checkInDialog = defineDialog({
  id: 'check-in',
  version: 1,
  title: 'Check-in record',
  triggers: ['check-in', 'checkin', 'check in'],
  async open(env) {
    const cycle = await cycleOrExplain(env);
    if ('unavailable' in cycle) return cycle;
    const { policy } = env;
    const reviewer = await env.reads.reviewerOf(env.person.id, env.today);
    const steps: Step[] = [
      dateStep({
        name: 'held-on',
        label: 'Date',
        question: 'When was the check-in? (e.g. `today`, `14/10` or `14 October`)',
        check: (date, stepEnv) => (isAfter(date, stepEnv.today) ? 'That date is still to come — record a check-in once it has happened.' : undefined),
      }),
      textStep({ name: 'discussed', label: 'Discussed', question: 'What did you discuss?' }),
      textStep({ name: 'agreed-actions', label: 'Agreed actions', question: 'What actions or next steps did you agree?', required: 'Agreed actions are the heart of the record (004 §6.7) — “none this time” is fine.' }),
      ...(policy.checkIns.wellbeingCheck
        ? [
            textStep({
              name: 'wellbeing',
              label: 'Wellbeing check',
              question: 'Wellbeing check: how are you doing — workload, wellbeing, anything the school could help with?',
              required: `Every check-in includes a wellbeing check (${policy.checkIns.rule}) — a word or two is fine.`,
            }),
          ]
        : []),
      textStep({ name: 'diary-note', label: 'Growth diary note', question: 'Anything to add to your growth diary from this check-in? (or `skip`)', optional: true }),
      dateStep({
        name: 'next-on',
        label: 'Next check-in',
        question: `When is the next check-in? (or \`skip\` if ${policy.checkIns.arrangedBy === 'reviewee' ? 'it isn’t set yet' : 'your reviewer will arrange it'})`,
        optional: true,
        check: (date, _env, values) => {
          const held = textOf(values, 'held-on');
          return held !== '' && !isAfter(date, held) ? `The next check-in has to be after this one (${showDate(held)}).` : undefined;
        },
      }),
    ];
    return {
      intro: [say(`Let’s record your check-in${reviewer ? ` with ${firstName(reviewer.fullName)}` : ''}. It takes a minute.`)],
      confirm: true,
      summaryTitle: 'Check-in record',
      help: `Recording a check-in (${policy.checkIns.rule}).`,
      steps: () => steps,
      async complete(values, records) {
        const heldOn = textOf(values, 'held-on');
        const diaryNote = optionalText(values, 'diary-note');
        await records.saveCheckIn({
          cycleId: cycle.id,
          personId: env.person.id,
          conductedById: reviewer?.id,
          heldOn,
          discussed: textOf(values, 'discussed'),
          agreedActions: textOf(values, 'agreed-actions'),
          wellbeing: optionalText(values, 'wellbeing'),
          diaryNote,
          nextCheckInOn: optionalText(values, 'next-on'),
        });
        // 004 §6.6 and 003 §11.3: the notes belong in the growth diary / log as well.
        if (diaryNote !== undefined) await records.addDiaryEntry({ cycleId: cycle.id, personId: env.person.id, writtenOn: heldOn, body: diaryNote, tags: ['check-in'] });
        await records.completeObligation({ personId: env.person.id, cycleId: cycle.id, kind: 'check-in', on: heldOn, at: env.now });
        return {
          messages: [say(`Saved your check-in of ${showDate(heldOn)}.`)],
          notifications: reviewer ? [{ personId: reviewer.id, messages: [say(`${env.person.fullName} recorded your check-in of ${showDate(heldOn)}. Agreed actions: ${textOf(values, 'agreed-actions')}`)] }] : [],
        };
      },
    };
  },
});
