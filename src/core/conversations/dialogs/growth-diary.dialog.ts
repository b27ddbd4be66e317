import { defineDialog } from '../engine/define-dialog.ts';
import { textOf } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { textStep } from '../engine/step.ts';
import { cycleOrExplain } from './dialog-helpers.ts';

/**
 * The growth diary / growth log (003 §11.3, 004 §5.8, §6.7): a one-line entry any time, e.g.
 * `log tried cold-calling with 9X, much better participation`. Saved at once — the line is its
 * own confirmation, and a second summary for one sentence would be the workload the seeds avoid.
 * `#words` become tags. Writing one completes the term's diary prompt where the policy has one
 * (004 Appendix A: before the 2nd and 3rd check-ins).
 */
export const growthDiaryDialog = defineDialog({
  id: 'growth-diary',
  version: 1,
  title: 'Growth diary entry',
  triggers: ['log', 'diary'],
  /** `log tried exit tickets` is the whole entry in one message. */
  triggerArgument: true,
  async open(env) {
    const cycle = await cycleOrExplain(env);
    if ('unavailable' in cycle) return cycle;
    return {
      intro: [],
      confirm: false,
      summaryTitle: 'Diary entry',
      help: 'One line about something you tried, noticed or learned, e.g. `log tried cold-calling with 9X, much better participation`. Add #tags if you like.',
      steps: () => [
        textStep({
          name: 'entry',
          label: 'Entry',
          question: 'What would you like to note in your growth diary? One line is plenty, e.g. “tried cold-calling with 9X, much better participation”.',
          minLength: 3,
        }),
      ],
      async complete(values, records) {
        const body = textOf(values, 'entry').replace(/^log\s+/i, '');
        const tags = [...new Set([...body.matchAll(/#([\p{L}\p{N}-]+)/gu)].map((m) => m[1]!.toLowerCase()))];
        await records.addDiaryEntry({ cycleId: cycle.id, personId: env.person.id, writtenOn: env.today, body, tags });
        // 004 Appendix A: an entry written in the term completes that term's "add to your diary before the check-in".
        await records.completeObligation({ personId: env.person.id, cycleId: cycle.id, kind: 'diary-entry', on: env.today, at: env.now });
        return { messages: [say(`Noted in your growth diary for ${showDate(env.today, env.today)}: “${body}”`)] };
      },
    };
  },
});
