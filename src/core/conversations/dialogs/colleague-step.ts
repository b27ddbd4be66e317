import type { Colleague } from '../conversation-ports.ts';
import type { Values } from '../engine/json-value.ts';
import { choiceStep, type Step } from '../engine/step.ts';

/**
 * "Whose…?" as the first step of a dialog a manager or coach runs about someone else, in the
 * way plan agreement picks a plan: a button per colleague, their number, or their name typed out.
 */
export function colleagueStep(colleagues: readonly Colleague[], question: string): Step {
  return choiceStep({
    name: 'colleague',
    label: 'Colleague',
    question,
    choices: colleagues.map((colleague) => ({ label: colleague.fullName, value: colleague.id })),
  });
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
