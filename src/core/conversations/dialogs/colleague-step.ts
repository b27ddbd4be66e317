import type { Colleague } from '../conversation-ports.ts';
import type { TurnInput } from '../engine/inbound-turn.ts';
import type { JsonValue, Values } from '../engine/json-value.ts';
import { ask, type Choice, say } from '../engine/outgoing-message.ts';
import type { Accepted, Step } from '../engine/step.ts';
import { firstName } from './dialog-helpers.ts';

/**
 * "Whose…?" as the first step of a dialog a manager or coach runs about someone else, in the
 * way plan agreement picks a plan: a button per colleague, their number, or them named by
 * @mention, full name, first name (when only one of them has it) or e-mail. `extra` adds
 * choices that are not colleagues (the check-in's "My own check-in").
 */
export function colleagueStep(colleagues: readonly Colleague[], question: string, extra: readonly Choice[] = []): Step {
  const choices: Choice[] = [...colleagues.map((colleague) => ({ label: colleague.fullName, value: colleague.id })), ...extra];
  return {
    name: 'colleague',
    label: 'Colleague',
    optional: false,
    ask: () => [ask(question, choices)],
    accept: (input) => {
      const typed = input.kind === 'text' ? input.text : input.kind === 'choice' ? input.value : (input.values.colleague ?? '');
      const found = findColleague(colleagues, typed) ?? extra.find((c) => c.value === typed.trim() || c.label.toLowerCase() === typed.trim().toLowerCase())?.value;
      if (found !== undefined) return { ok: true, value: found };
      const byNumber = /^\s*\d+\s*$/.test(typed) ? choices[Number(typed) - 1]?.value : undefined;
      if (byNumber !== undefined) return { ok: true, value: byNumber };
      return { ok: false, error: notFound(colleagues, typed) };
    },
    show: (value) => choices.find((c) => c.value === value)?.label ?? String(value),
  };
}

/**
 * The one colleague `typed` names among `colleagues`: their id, "@Chloe Baker", "Chloe Baker",
 * "chloe" when no one else is called Chloe, or their e-mail. Undefined when none or several match.
 */
export function findColleague(colleagues: readonly Colleague[], typed: string): string | undefined {
  const wanted = typed.trim().replace(/^@/, '').replace(/\s+/g, ' ').toLowerCase();
  if (wanted === '') return undefined;
  const exact = colleagues.filter((c) => c.id === wanted || c.fullName.toLowerCase() === wanted || c.email?.toLowerCase() === wanted);
  if (exact.length === 1) return exact[0]!.id;
  const byFirst = colleagues.filter((c) => firstName(c.fullName).toLowerCase() === wanted);
  return byFirst.length === 1 ? byFirst[0]!.id : undefined;
}

/** Why a named colleague can't be chosen, in words: nobody by that name, or more than one. */
function notFound(colleagues: readonly Colleague[], typed: string): string {
  const wanted = typed.trim().replace(/^@/, '');
  const names = colleagues.map((c) => c.fullName).join(', ');
  const sameFirst = colleagues.filter((c) => firstName(c.fullName).toLowerCase() === wanted.toLowerCase());
  if (sameFirst.length > 1) return `More than one person you review is called ${wanted} (${sameFirst.map((c) => c.fullName).join(', ')}) — which one? Use their full name.`;
  return `“${wanted}” isn’t someone you review, coach or line-manage, so I can’t do this for them. You can choose from: ${names}. If they should be on your list, please ask your Trellis administrator.`;
}

export function chosenColleague(colleagues: readonly Colleague[], values: Values): Colleague | undefined {
  return colleagues.find((colleague) => colleague.id === values.colleague);
}

/** 001's "By… I am… so that…": the three parts in order, so the goal says when, what and why. */
export function hasByIAmSoThat(text: string, soThat: RegExp = /\bso that\b/i): boolean {
  const by = text.search(/^\s*by\b/i);
  const iAm = text.search(/\bI am\b|\bI’m\b|\bI'm\b/i);
  const why = text.search(soThat);
  return by === 0 && iAm > by && why > iAm;
}

/** Up to this many colleagues are offered as buttons; a whole school is found by name instead. */
const LIST_AT_MOST = 10;

/**
 * "Which colleague?" over anyone in the school (a peer observation may be of any colleague,
 * 001 "Observation", 004 §7.5): buttons when there are few, otherwise their name typed out, in
 * full or in part, and asked again when it fits nobody or more than one person.
 */
export function anyColleagueStep(colleagues: readonly Colleague[], question: string): Step {
  if (colleagues.length <= LIST_AT_MOST) return colleagueStep(colleagues, question);
  const nameOf = (id: JsonValue): string => colleagues.find((c) => c.id === id)?.fullName ?? String(id);
  return {
    name: 'colleague',
    label: 'Colleague',
    optional: false,
    ask: () => [say(`${question}\n_Type their name, or part of it._`)],
    accept(input: TurnInput): Accepted {
      const typed = (input.kind === 'text' ? input.text : input.kind === 'choice' ? input.value : (input.values.colleague ?? '')).trim();
      const byId = colleagues.find((c) => c.id === typed);
      if (byId !== undefined) return { ok: true, value: byId.id };
      const found = matchColleagues(colleagues, typed);
      if (found.length === 1) return { ok: true, value: found[0]!.id };
      if (found.length === 0) return { ok: false, error: `I can’t find “${typed}” among the staff of your school. Try their full name as it is on the staff list.` };
      const shown = found.slice(0, 5).map((c) => c.fullName).join(' / ');
      return { ok: false, error: `More than one colleague fits “${typed}”: ${shown}${found.length > 5 ? ' …' : ''}. Please type more of the name.` };
    },
    show: nameOf,
  };
}

/** Colleagues whose name is `typed` exactly, else those whose name contains every word typed. */
export function matchColleagues(colleagues: readonly Colleague[], typed: string): Colleague[] {
  const wanted = typed.toLowerCase().replace(/^@/, '').split(/\s+/).filter((word) => word !== '');
  if (wanted.length === 0) return [];
  const exact = colleagues.filter((c) => c.fullName.toLowerCase() === wanted.join(' '));
  if (exact.length > 0) return exact;
  return colleagues.filter((c) => {
    const words = c.fullName.toLowerCase().split(/\s+/);
    return wanted.every((w) => words.some((word) => word.startsWith(w)));
  });
}
