import { z } from 'zod';
import type { JsonValue, Values } from './json-value.ts';

export const SUMMARY_STEP = '$summary';

/** `moved`: the draft carried on in another thread, where the person started the same dialog again. */
export const CONVERSATION_STATUSES = ['active', 'paused', 'completed', 'cancelled', 'moved'] as const;

/** What a `yes` would discard: asked before throwing away more than one answer. */
export const DISCARD_ACTIONS = ['cancel', 'restart'] as const;
export type DiscardAction = (typeof DISCARD_ACTIONS)[number];

/** The engine's bookkeeping, stored in the conversation row's `values` JSON beside the answers. */
export const StoredDataSchema = z.strictObject({
  values: z.record(z.string(), z.json()),
  /** Steps answered, in order, so `back` retraces the path actually taken through a dialog. */
  trail: z.array(z.string()),
  /** Set while the engine waits for a yes before discarding the answers. */
  confirming: z.enum(DISCARD_ACTIONS).optional(),
  /** The last typed free-text answer (a digest of it, never the words), to recognise a quick double send. */
  lastAnswer: z.strictObject({ step: z.string(), digest: z.string(), at: z.iso.datetime() }).optional(),
});
export type StoredData = z.infer<typeof StoredDataSchema>;

/** What the conversation row's JSON holds for a state: the answers and the engine's bookkeeping. */
export function storedDataOf(state: DialogState): StoredData {
  return {
    values: state.values,
    trail: state.trail,
    ...(state.confirming === undefined ? {} : { confirming: state.confirming }),
    ...(state.lastAnswer === undefined ? {} : { lastAnswer: state.lastAnswer }),
  };
}

/** A dialog in progress: which dialog, which version, which named step, and the answers so far. */
export interface DialogState {
  dialogId: string;
  version: number;
  step: string;
  values: Values;
  trail: string[];
  status: (typeof CONVERSATION_STATUSES)[number];
  confirming?: DiscardAction | undefined;
  lastAnswer?: StoredData['lastAnswer'] | undefined;
}

export const DialogHeaderSchema = z.object({
  dialogId: z.string().min(1),
  version: z.number().int().min(1),
  step: z.string().min(1),
  status: z.enum(CONVERSATION_STATUSES),
});

/** Parses a stored row; undefined when it is corrupt, so the thread starts afresh instead of failing forever. */
export function parseDialogState(row: { dialogId: string; version: number; step: string; status: string; data: unknown }): DialogState | undefined {
  const header = DialogHeaderSchema.safeParse(row);
  const data = StoredDataSchema.safeParse(row.data);
  if (!header.success || !data.success) return undefined;
  return { ...header.data, ...data.data, values: data.data.values as Record<string, JsonValue> };
}

/**
 * Where a stored step lands in the current version of its dialog. A renamed step follows the
 * dialog's `formerStepNames`; a step that no longer exists maps to the first step of the current
 * version that has no answer yet — the nearest place the person has not been — or to the
 * summary when everything is answered. Answers are never thrown away by a deploy.
 */
export function resolveStep(stored: string, stepNames: readonly string[], values: Values, formerStepNames: Readonly<Record<string, string>>): string {
  if (stored === SUMMARY_STEP || stepNames.includes(stored)) return stored;
  const renamed = formerStepNames[stored];
  if (renamed !== undefined && stepNames.includes(renamed)) return renamed;
  return stepNames.find((name) => !(name in values)) ?? SUMMARY_STEP;
}
