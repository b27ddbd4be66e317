import { type Config, ConfigError, loadConfig } from '../config/load-config.ts';
import { CliError } from './cli-error.ts';
import type { CommandContext } from './command-context.ts';

/** The environment's configuration, with its problems as a plain CLI error rather than a stack trace. */
export function loadCliConfig(context: CommandContext): Config {
  try {
    return loadConfig(context.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}
