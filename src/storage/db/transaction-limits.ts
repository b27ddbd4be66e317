/**
 * The longest any transaction of Trellis may stay open (planning a whole school's obligations,
 * `ObligationRepository.syncCycles`). Whatever compares a row's `updated_at` with a moment must
 * allow for a write stamped this long before it commits.
 */
export const LONGEST_TRANSACTION_MS = 300_000;
