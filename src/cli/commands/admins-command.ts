import { parseArgs } from 'node:util';
import { looksLikeEmail, normaliseAdminEmail } from '../../core/admin/admin-access.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const ADMINS_USAGE = `trellis admins add|remove EMAIL --school SCHOOL | --trust TRUST
  trellis admins list`;

/**
 * `trellis admins`: who may sign in to the admin console (`/admin`), for one school or for every
 * school of a trust. The e-mail is matched to the verified e-mail of their OpenID Connect sign-in.
 */
export async function runAdminsCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${ADMINS_USAGE}`);
  }
  const [verb, email, ...extra] = parsed.positionals;
  const { school, trust } = parsed.values;
  if (verb === 'list') {
    if (email !== undefined || school !== undefined || trust !== undefined) throw new CliError(`trellis admins list takes nothing more.\n\nUsage:\n${ADMINS_USAGE}`);
    await withServices(context, async (services) => {
      const grants = await services.admins.list();
      if (grants.length === 0) context.output.out('Nobody can use the admin console yet: name someone with trellis admins add EMAIL --school SCHOOL.');
      for (const grant of grants) context.output.out(`${grant.email}: ${grant.school === undefined ? `every school of trust "${grant.trust}"` : `school "${grant.school}"`}, since ${grant.createdAt.toISOString().slice(0, 10)}`);
    });
    return;
  }
  if (verb !== 'add' && verb !== 'remove') throw new CliError(`Say add, remove or list.\n\nUsage:\n${ADMINS_USAGE}`);
  if (email === undefined || extra.length > 0) throw new CliError(`Give one e-mail address.\n\nUsage:\n${ADMINS_USAGE}`);
  if (!looksLikeEmail(email)) throw new CliError(`"${email}" is not an e-mail address.`);
  if ((school === undefined) === (trust === undefined)) throw new CliError(`Give --school SCHOOL or --trust TRUST (one of them).\n\nUsage:\n${ADMINS_USAGE}`);
  const address = normaliseAdminEmail(email);
  const scope = school !== undefined ? { school } : { trust: trust! };
  const what = school !== undefined ? `school "${school}"` : `every school of trust "${trust}"`;
  await withServices(context, async (services) => {
    if (verb === 'add') {
      const { found, added } = await services.admins.add(address, scope);
      if (!found) throw new CliError(`There is no ${school !== undefined ? `school "${school}"` : `trust "${trust}"`}.`);
      context.output.out(added ? `${address} can now use the admin console for ${what}.` : `${address} could already use the admin console for ${what}.`);
      return;
    }
    const removed = await services.admins.remove(address, scope, context.clock.now());
    context.output.out(removed > 0 ? `${address} can no longer use the admin console for ${what}; their console sessions have ended (they sign in again for any school they still administer).` : `${address} was not an administrator of ${what}: nothing changed.`);
  });
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' }, trust: { type: 'string' } } });
}
