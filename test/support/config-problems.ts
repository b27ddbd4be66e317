import { ConfigError, loadConfig } from '../../src/config/load-config.ts';

/** The problems `loadConfig` reports for an environment it refuses; throws if it accepts it. */
export function configProblems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
