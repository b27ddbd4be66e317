import { type Config, ConfigError, loadConfig } from '../config/load-config.ts';
import { openServices, type Services } from '../compose-services.ts';
import { CliError } from './cli-error.ts';
import type { CommandContext } from './command-context.ts';

/** Opens the database for one command (embedded unless DATABASE_URL is set) and always closes it. */
export async function withServices<T>(context: CommandContext, use: (services: Services) => Promise<T>): Promise<T> {
  const services = await openServices(loadCliConfig(context), context.clock);
  try {
    return await use(services);
  } finally {
    await services.close();
  }
}

/** The environment's configuration, with its problems as a plain CLI error rather than a stack trace. */
export function loadCliConfig(context: CommandContext): Config {
  try {
    return loadConfig(context.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}
