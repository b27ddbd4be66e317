import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

/** `trellis migrate`: bring the database schema up to date (start-up does the same). */
export async function runMigrateCommand(args: string[], context: CommandContext): Promise<void> {
  if (args.length > 0) throw new CliError(`trellis migrate takes no arguments (got: ${args.join(' ')}).`);
  await withServices(context, async ({ database }) => {
    const applied = database.appliedMigrations;
    const where = database.embedded ? 'the embedded PostgreSQL' : 'DATABASE_URL';
    context.output.out(applied.length === 0 ? `The database (${where}) is up to date.` : `Applied ${applied.length} migration${applied.length > 1 ? 's' : ''} to ${where}:\n${applied.map((name) => `  ${name}`).join('\n')}`);
  });
}
