import { openServices, type Services } from '../compose-services.ts';
import { loadCliConfig } from './cli-config.ts';
import type { CommandContext } from './command-context.ts';

export { loadCliConfig } from './cli-config.ts';

/** Opens the database for one command (embedded unless DATABASE_URL is set) and always closes it. */
export async function withServices<T>(context: CommandContext, use: (services: Services) => Promise<T>): Promise<T> {
  const services = await openServices(loadCliConfig(context), context.clock);
  try {
    return await use(services);
  } finally {
    await services.close();
  }
}
