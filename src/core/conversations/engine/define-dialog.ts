import type { IsoDate } from '../../calendar/iso-date.ts';
import type { DialogPerson, DialogReads, RecordsWriter } from '../conversation-ports.ts';
import type { Policy } from '../../policy/policy-schema.ts';
import type { Values } from './json-value.ts';
import type { OutgoingMessage } from './outgoing-message.ts';
import type { Step } from './step.ts';

import type { Notification } from '../../notifications/notification-queue.ts';

export type { Notification };

export interface DialogEnv {
  person: DialogPerson;
  policy: Policy;
  today: IsoDate;
  now: Date;
  reads: DialogReads;
}

export interface Completion {
  messages: OutgoingMessage[];
  notifications?: Notification[] | undefined;
}

/**
 * A dialog opened for one person on one turn. The step list is a function of the answers so far,
 * because dialogs branch and repeat ("add another expectation?"), and of the person and policy
 * captured when it was opened; it is rebuilt every turn, so nothing but the answers is stored.
 */
export interface OpenDialog {
  intro: OutgoingMessage[];
  steps(values: Values): Step[];
  /** False for one-line dialogs (the diary) that are saved as soon as they are answered. */
  confirm: boolean;
  summaryTitle: string;
  help: string;
  /** Answers to start from (an existing plan being amended), opening at the summary. */
  resume?: { values: Values; messages: OutgoingMessage[] } | undefined;
  complete(values: Values, records: RecordsWriter): Promise<Completion>;
  /**
   * After each turn, with the answers so far: logs the reads of someone else's records the turn's
   * questions showed (a reviewee's check-in window while booking), through the one access rule.
   * Steps are synchronous, so the reads they show are logged here.
   */
  shown?(values: Values): Promise<void>;
}

export interface DialogDefinition {
  id: string;
  /** Bump when steps change; stored with the state so old conversations can be recognised. */
  version: number;
  title: string;
  /** Words that start this dialog in a thread with nothing active (matched case-insensitively). */
  triggers: readonly string[];
  /**
   * Words typed after a trigger answer the first step (`log <note>`, `reschedule check-in <id>`
   * from a button). Off by default: other dialogs only start on the exact words.
   */
  triggerArgument?: boolean | undefined;
  /** Old step name → new, for steps renamed between versions. */
  formerStepNames?: Readonly<Record<string, string>> | undefined;
  open(env: DialogEnv): Promise<OpenDialog | { unavailable: string }>;
}

const ID_PATTERN = /^[a-z][a-z0-9-]*$/;

/** Checks a definition once, at import, so a typo in an id or trigger fails fast. */
export function defineDialog(definition: DialogDefinition): DialogDefinition {
  if (!ID_PATTERN.test(definition.id)) throw new Error(`dialog id "${definition.id}" must be lower-case words joined by dashes`);
  if (!Number.isInteger(definition.version) || definition.version < 1) throw new Error(`dialog "${definition.id}" needs a positive integer version`);
  if (definition.triggers.length === 0) throw new Error(`dialog "${definition.id}" needs at least one trigger`);
  return definition;
}

/** Checks that a step list has unique names: `edit <step>` and stored state rely on it. */
export function assertUniqueStepNames(steps: readonly Step[]): Step[] {
  const seen = new Set<string>();
  for (const step of steps) {
    if (seen.has(step.name)) throw new Error(`duplicate step name "${step.name}"`);
    seen.add(step.name);
  }
  return [...steps];
}
