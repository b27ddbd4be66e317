import type { OutboxKind } from '../reminders/reminder-ports.ts';

/** What a turn was: a message in a dialog's thread, a dialog started, a command, a reminder's button. */
export type TurnKind = 'message' | 'start-dialog' | 'command' | 'action';

/** How one run of a delivery job ended (`DeliveryStep`, `src/core/reminders/deliver-digest.ts`). */
export type DeliveryOutcome = 'sent' | 'dead-letter' | 'not-pending' | 'retry' | 'wait' | 'error';

/**
 * What the core reports for monitoring. The adapter (`src/metrics/prometheus-metrics.ts`) times
 * the work it is handed, so the core never reads a timer; `noMetrics` runs it and records nothing.
 */
export interface Metrics {
  /** Runs one conversation turn and records how long it took. */
  timeTurn<T>(platform: string, kind: TurnKind, turn: () => Promise<T>): Promise<T>;
  /** Runs one school's reminder sweep and records how long it took. */
  timeSweep<T>(sweep: () => Promise<T>): Promise<T>;
  /** Counts one run of a delivery job by how it ended. */
  delivery(kind: OutboxKind, outcome: DeliveryOutcome): void;
}

export const noMetrics: Metrics = {
  timeTurn: (_platform, _kind, turn) => turn(),
  timeSweep: (sweep) => sweep(),
  delivery: () => {},
};
