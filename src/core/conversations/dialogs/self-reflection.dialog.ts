import type { Policy } from '../../policy/policy-schema.ts';
import type { Standard } from '../../standards/framework.ts';
import { standardsForRole } from '../../standards/standards-for-role.ts';
import type { ReflectionEntry, ReflectionRecord } from '../conversation-ports.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { listOf, optionalText, textOf, type Values } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { choiceStep, citing, inSection, listStep, type Step, textStep } from '../engine/step.ts';
import { cycleOrExplain, firstName } from './dialog-helpers.ts';

const FRAMEWORK_COLUMN: Record<string, ReflectionRecord['framework']> = {
  'teachers-standards': 'teachers',
  'ta-standards': 'teaching-assistants',
  'headteachers-standards': 'headteachers',
};

/** Closing prompts land in the reflection's own columns where the seeds name the same thing. */
const CLOSING_COLUMN: Record<string, 'successes' | 'strengths' | 'areasForGrowth'> = {
  successes: 'successes',
  'best-at': 'successes',
  strengths: 'strengths',
  'development-needs': 'areasForGrowth',
  'areas-for-growth': 'areasForGrowth',
  'growth-areas': 'areasForGrowth',
};

/**
 * Self-reflection against the standards for the person's role (001 Appendix A, 004 §4.1–4.2,
 * Appendix B; job description otherwise), one question per standard heading rather than per
 * sub-point so it takes minutes; rated on the policy's scale, or not rated at all under 004.
 */
export const selfReflectionDialog = defineDialog({
  id: 'self-reflection',
  version: 1,
  title: 'Self-reflection',
  triggers: ['reflect', 'reflection', 'self-reflection'],
  async open(env) {
    const cycle = await cycleOrExplain(env);
    if ('unavailable' in cycle) return cycle;
    const { policy } = env;
    const basis = standardsForRole(policy, env.person.role);
    const fixed = basis.kind === 'framework' ? basis.framework.standards : undefined;
    const standardsOf = (values: Values): readonly Standard[] =>
      fixed ?? listOf(values, 'jd-points').map((point, i) => ({ id: `jd${i + 1}`, short: `Point ${i + 1}`, heading: point, points: [] }));
    const title = basis.kind === 'framework' ? basis.framework.title : 'your job description';
    const rated = policy.reflection.scale.kind === 'levels';
    const intro = say(
      [
        `Hi ${firstName(env.person.fullName)} — let’s reflect on ${title}${fixed ? ` (${fixed.length} headings)` : ''}.`,
        rated
          ? 'For each one, pick how well you feel you’re doing, then note a next step to become even better. It isn’t a graded scale — it’s a prompt for your conversation with your line manager.'
          : policy.reflection.standardAnswerOptional?.value === true
            ? 'No rating is needed, and a note on each heading is up to you: use them to think, then sum up what you’re best at, your strengths and your growth areas at the end.'
            : 'No rating is needed: for each one, say how well you think you’re doing and what you might do next to become even better.',
        'Say `help` at any point for the commands.',
      ].join('\n'),
    );
    return {
      intro: [intro],
      confirm: true,
      summaryTitle: `Your self-reflection: ${title}`,
      help: `You’re reflecting on ${title}, the standards your role is held to (${policy.standards.rule}), one heading at a time (${policy.reflection.rule}).`,
      // Each part may be answered in one form instead of question by question (the same steps).
      // Against a framework the steps do not depend on the answers: built once per policy and framework.
      steps: (values) => (basis.kind === 'framework' ? frameworkSteps(policy, basis.framework) : reflectionSteps(policy, undefined, standardsOf(values))),
      async complete(values, records) {
        const entries: ReflectionEntry[] = standardsOf(values).map((s) => ({
          kind: 'standard',
          standard: s.id,
          heading: s.heading,
          rating: rated ? optionalText(values, `${s.id}-rating`) : undefined,
          reflection: rated ? undefined : optionalText(values, `${s.id}-reflection`),
          nextSteps: optionalText(values, `${s.id}-next`),
        }));
        const columns: Partial<Record<'successes' | 'strengths' | 'areasForGrowth', string>> = {};
        for (const prompt of policy.reflection.closingPrompts) {
          const answer = textOf(values, `closing-${prompt.id}`);
          entries.push({ kind: 'closing', prompt: prompt.id, question: prompt.question, answer });
          const column = CLOSING_COLUMN[prompt.id];
          if (column !== undefined) columns[column] = answer;
        }
        const framework = basis.kind === 'framework' ? FRAMEWORK_COLUMN[basis.framework.set]! : 'job-description';
        await records.saveReflection({ cycleId: cycle.id, personId: env.person.id, framework, entries, ...columns, submittedAt: env.now });
        await records.completeObligation({ personId: env.person.id, cycleId: cycle.id, kind: 'self-reflection', on: env.today, at: env.now });
        const reviewer = await env.reads.reviewerOf(env.person.id, env.today);
        return {
          messages: [say(`Thank you — your self-reflection is saved${reviewer ? ` and ${firstName(reviewer.fullName)} can see it` : ''}. When you’re ready, say \`plan\` to start your growth plan.`)],
          notifications: reviewer ? [{ personId: reviewer.id, messages: [say(`${env.person.fullName} has completed their self-reflection.`)] }] : [],
        };
      },
    };
  },
});

/** The reflection's steps: the job description's points first when there is no framework (`fixed`), then one or two per standard, then the closing questions. */
function reflectionSteps(policy: Policy, fixed: readonly Standard[] | undefined, standards: readonly Standard[]): Step[] {
  return citing(policy.reflection.rule, [
    ...(fixed ? [] : [jobDescriptionStep()]),
    ...inSection({ id: 'standards', title: `Reflection: ${fixed ? 'the standards' : 'your job'}` }, standards.flatMap((s) => standardSteps(s, policy))),
    ...inSection({ id: 'closing', title: 'Reflection: closing questions' }, closingSteps(policy)),
  ]);
}

/**
 * The steps against a framework, kept per policy (the engine keeps one parsed policy per school
 * stamp) and framework: the engine asks for a dialog's steps several times a turn, and building
 * some twenty steps each time was the largest part of a turn's own work in the CPU profile.
 */
const builtSteps = new WeakMap<Policy, Map<string, Step[]>>();
function frameworkSteps(policy: Policy, framework: { set: string; standards: readonly Standard[] }): Step[] {
  let kept = builtSteps.get(policy);
  if (kept === undefined) {
    kept = new Map();
    builtSteps.set(policy, kept);
  }
  let steps = kept.get(framework.set);
  if (steps === undefined) {
    steps = Object.freeze(reflectionSteps(policy, framework.standards, framework.standards)) as Step[];
    kept.set(framework.set, steps);
  }
  return steps;
}

function jobDescriptionStep(): Step {
  return listStep({
    name: 'jd-points',
    label: 'Job description points',
    question: 'You’ll reflect against your job description. List its main points or competencies, one per line or separated by semicolons (up to 8).',
    min: 1,
    max: 8,
  });
}

function standardSteps(standard: Standard, policy: Policy): Step[] {
  const scale = policy.reflection.scale;
  const preamble = () => [say([`*${standard.heading}*`, ...standard.points.map((p) => `  ${p}`)].join('\n'))];
  const first =
    scale.kind === 'levels'
      ? choiceStep({
          name: `${standard.id}-rating`,
          label: `${standard.short} — rating`,
          question: 'Where are you with this one?',
          choices: scale.levels.map((level) => ({ label: level.label, value: level.value })),
          preamble,
          formLabel: standard.heading,
        })
      : policy.reflection.standardAnswerOptional?.value === true
        ? {
            ...textStep({
              name: `${standard.id}-reflection`,
              label: `${standard.short} — reflection`,
              question: 'How well do you think you’re doing against this? A few words if they help you think (or `skip`)',
              optional: true,
              preamble,
              formLabel: `${standard.heading} (optional)`,
            }),
            rule: policy.reflection.standardAnswerOptional.rule,
          }
        : textStep({
            name: `${standard.id}-reflection`,
            label: `${standard.short} — reflection`,
            question: 'How well do you think you’re doing against this?',
            preamble,
            formLabel: standard.heading,
          });
  if (!policy.reflection.nextStepsPerStandard) return [first];
  return [
    first,
    textStep({
      name: `${standard.id}-next`,
      label: `${standard.short} — next step`,
      question: 'What might you do next to become even better here? (or `skip`)',
      optional: true,
      formLabel: `${standard.short}: next step`,
    }),
  ];
}

function closingSteps(policy: Policy): Step[] {
  return policy.reflection.closingPrompts.map((prompt) =>
    textStep({ name: `closing-${prompt.id}`, label: prompt.question, question: prompt.question, hint: prompt.hint, required: 'This closing question shapes your growth plan, so it can’t be skipped — a sentence is enough.' }),
  );
}
