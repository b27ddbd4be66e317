import { paragraphsCited } from '../../policy/policy-paragraphs.ts';
import type { Policy } from '../../policy/policy-schema.ts';
import type { DialogDefinition, OpenDialog } from './define-dialog.ts';
import type { Step } from './step.ts';

/**
 * `why` inside a dialog: the policy paragraph behind the question it waits on, quoted in the
 * seed's own words where the policy carries them (`policy.paragraphs`), else named. Questions are
 * spoken of by their label, never by their internal name.
 */
export function whyThisQuestion(policy: Pick<Policy, 'paragraphs'>, dialog: Pick<DialogDefinition, 'title'>, opened: Pick<OpenDialog, 'help'>, step: Pick<Step, 'label' | 'rule'> | undefined): string {
  const title = dialog.title.toLowerCase();
  if (step === undefined) return `Your ${title} is complete and waiting to be sent. ${opened.help}`;
  const where = `You’re on “${step.label}” in your ${title}.`;
  if (step.rule === undefined) return `${where} ${opened.help}`;
  const quoted = paragraphsCited(policy, step.rule);
  if (quoted.length === 0) return `${where} Your school’s growth policy asks for it: ${step.rule}.`;
  return [`${where} Your school’s growth policy asks for it (${step.rule}). It says:`, ...quoted.map((p) => `> ${p.says} (${p.cite})`)].join('\n');
}
