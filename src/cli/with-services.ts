import { ConfigError, loadConfig } from '../config/load-config.ts';
import { openServices, type Services } from '../compose-services.ts';
import { CliError } from './cli-error.ts';
import type { CommandContext } from './command-context.ts';

/** Opens the database for one command (embedded unless DATABASE_URL is set) and always closes it. */
export async function withServices<T>(context: CommandContext, use: (services: Services) => Promise<T>): Promise<T> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(context.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const services = await openServices(config, context.clock);
  try {
    return await use(services);
  } finally {
    await services.close();
  }
}
