import { isAfter } from '../../calendar/iso-date.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { optionalText, textOf } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { citing, dateStep, type Step, textStep } from '../engine/step.ts';
import type { Values } from '../engine/json-value.ts';
import { chosenColleague, colleagueStep } from './colleague-step.ts';
import { cycleOrExplain, excludedGetCheckIns, firstName, NO_CYCLE, recordableCycleOf } from './dialog-helpers.ts';

/** The check-in's "whose?" choice for a reviewer recording their own. */
const MINE = 'mine';

/**
 * Recording a check-in (004 §6.6–6.8, 003 §10–11): the date, what was discussed, the actions
 * agreed, a wellbeing check where the policy has one, a note for the growth diary / log, and the
 * next check-in. The appraisee records it and the reviewer is told (004 §6.6); a reviewer or coach
 * may record it for the colleague they met (`checkin @chloe`; 004 §6.7 "the appraiser will …
 * update the online system at the time"), and then the colleague is told.
 */
export const checkInDialog = defineDialog({
  id: 'check-in',
  version: 2,
  title: 'Check-in record',
  triggers: ['check-in', 'checkin', 'check in'],
  async open(env) {
    const { policy } = env;
    const colleagues = await env.reads.revieweesOf(env.person.id, env.today);
    const own = await recordableCycleOf(env, env.person.id);
    if (own === undefined && colleagues.length === 0) {
      const explained = await cycleOrExplain(env);
      return 'unavailable' in explained ? explained : { unavailable: NO_CYCLE };
    }
    const offered = excludedGetCheckIns(policy);
    // Colleagues the policy leaves outside the cycle (004 §2.2): their check-in has no growth diary.
    const outsideIds = new Set<string>();
    if (offered !== undefined) {
      for (const colleague of colleagues) if ((await recordableCycleOf(env, colleague.id))?.outside) outsideIds.add(colleague.id);
    }
    const reviewer = await env.reads.reviewerOf(env.person.id, env.today);
    const colleagueOf = (values: Values) => chosenColleague(colleagues, values);
    const isOutside = (values: Values) => {
      const colleague = colleagueOf(values);
      return colleague === undefined ? own?.outside === true : outsideIds.has(colleague.id);
    };
    const whose = (values: Values, yours: string) => {
      const colleague = colleagueOf(values);
      return colleague === undefined ? yours : `${firstName(colleague.fullName)}’s`;
    };
    const restSteps = (values: Values): Step[] => [
      dateStep({
        name: 'held-on',
        label: 'Date',
        question: 'When was the check-in? (e.g. `today`, `14/10` or `14 October`)',
        check: (date, stepEnv) => (isAfter(date, stepEnv.today) ? 'That date is still to come — record a check-in once it has happened.' : undefined),
      }),
      textStep({ name: 'discussed', label: 'Discussed', question: 'What did you discuss?' }),
      textStep({ name: 'agreed-actions', label: 'Agreed actions', question: 'What actions or next steps did you agree?', required: 'Agreed actions are the heart of the record — “none this time” is fine.' }),
      ...(policy.checkIns.wellbeingCheck
        ? [
            textStep({
              name: 'wellbeing',
              label: 'Wellbeing check',
              question:
                colleagueOf(values) === undefined
                  ? 'Wellbeing check: how are you doing — workload, wellbeing, anything the school could help with?'
                  : `Wellbeing check: how is ${firstName(colleagueOf(values)!.fullName)} doing — workload, wellbeing, anything the school could help with?`,
              required: 'Every check-in includes a wellbeing check — a word or two is fine.',
            }),
          ]
        : []),
      ...(isOutside(values)
        ? []
        : [textStep({ name: 'diary-note', label: 'Growth diary note', question: `Anything to add to ${whose(values, 'your')} growth diary from this check-in? (or \`skip\`)`, optional: true })]),
      dateStep({
        name: 'next-on',
        label: 'Next check-in',
        question: `When is the next check-in? (or \`skip\` if ${policy.checkIns.arrangedBy === 'reviewee' ? 'it isn’t set yet' : 'your reviewer will arrange it'})`,
        optional: true,
        check: (date, _env, values) => {
          const held = textOf(values, 'held-on');
          return held !== '' && !isAfter(date, held) ? `The next check-in has to be after this one (${showDate(held, env.today)}).` : undefined;
        },
      }),
    ];
    const ownChoice = own === undefined ? [] : [{ label: 'My own check-in', value: MINE }];
    const whoseStep = colleagues.length === 0 ? [] : [colleagueStep(colleagues, 'Whose check-in is this?', ownChoice)];
    // 004 §2.2: someone outside the cycle still has check-ins; the questions cite that paragraph.
    const ruleOf = (values: Values) => (isOutside(values) && offered !== undefined ? offered.rule : policy.checkIns.rule);
    const outsideIntro = colleagues.length === 0 && own?.outside === true ? 'You’re not in this year’s growth cycle, but your school still gives you regular check-ins and feedback. ' : '';
    return {
      intro: [say(colleagues.length > 0 ? 'Let’s record a check-in. It takes a minute.' : `${outsideIntro}Let’s record your check-in${reviewer ? ` with ${firstName(reviewer.fullName)}` : ''}. It takes a minute.`)],
      confirm: true,
      summaryTitle: 'Check-in record',
      help: `Recording a check-in (${policy.checkIns.rule}${offered === undefined ? '' : `; for colleagues outside the growth cycle, ${offered.rule}`}).`,
      steps: (values) => [...whoseStep, ...citing(ruleOf(values), restSteps(values))],
      async complete(values, records) {
        const colleague = colleagueOf(values);
        const personId = colleague?.id ?? env.person.id;
        const cycle = colleague === undefined ? own?.cycle : (await recordableCycleOf(env, colleague.id))?.cycle;
        if (cycle === undefined) return { messages: [say('They don’t have an active growth cycle, so there’s nowhere to save this. Nothing was saved.')] };
        const heldOn = textOf(values, 'held-on');
        const diaryNote = optionalText(values, 'diary-note');
        const conductedById = colleague === undefined ? reviewer?.id : env.person.id;
        await records.saveCheckIn({
          cycleId: cycle.id,
          personId,
          conductedById,
          heldOn,
          discussed: textOf(values, 'discussed'),
          agreedActions: textOf(values, 'agreed-actions'),
          wellbeing: optionalText(values, 'wellbeing'),
          diaryNote,
          nextCheckInOn: optionalText(values, 'next-on'),
        });
        // 004 §6.6 and 003 §11.3: the notes belong in the growth diary / log as well.
        if (diaryNote !== undefined) await records.addDiaryEntry({ cycleId: cycle.id, personId, writtenOn: heldOn, body: diaryNote, tags: ['check-in'] });
        await records.completeObligation({ personId, cycleId: cycle.id, kind: 'check-in', on: heldOn, at: env.now });
        const agreed = textOf(values, 'agreed-actions');
        if (colleague !== undefined) {
          return {
            messages: [say(`Saved your check-in with ${firstName(colleague.fullName)} of ${showDate(heldOn, env.today)}.`)],
            notifications: [{ personId: colleague.id, messages: [say(`${env.person.fullName} recorded your check-in of ${showDate(heldOn, env.today)}. Agreed actions: ${agreed}`)] }],
          };
        }
        return {
          messages: [say(`Saved your check-in of ${showDate(heldOn, env.today)}.`)],
          notifications: reviewer ? [{ personId: reviewer.id, messages: [say(`${env.person.fullName} recorded your check-in of ${showDate(heldOn, env.today)}. Agreed actions: ${agreed}`)] }] : [],
        };
      },
    };
  },
});

