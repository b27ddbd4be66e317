/** A readiness check: resolves to undefined when ready, or to a plain sentence saying what is not. */
export type ReadinessCheck = () => Promise<string | undefined>;

export interface Readiness {
  ready: boolean;
  /** Each check's name with `ok` or what is wrong. */
  checks: Record<string, string>;
}

/** How long one check may take before it counts as not ready: a probe must answer even when the database hangs. */
export const READINESS_TIMEOUT_MS = 3000;

/**
 * Runs the checks side by side. A check that throws or takes too long is not ready; what it
 * threw goes to `onError` (the log), and the answer says only which check failed.
 */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, onError: (name: string, error: unknown) => void = () => {}): Promise<Readiness> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, string]> => {
      try {
        const problem = await withTimeout(check(), READINESS_TIMEOUT_MS);
        return [name, problem ?? 'ok'];
      } catch (error) {
        onError(name, error);
        return [name, `${name} check failed`];
      }
    }),
  );
  return { ready: results.every(([, result]) => result === 'ok'), checks: Object.fromEntries(results) };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
