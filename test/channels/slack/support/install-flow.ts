import type { DigestDelivery } from '../../../../src/core/reminders/reminder-ports.ts';
import type { FakeInstall } from './fake-slack.ts';
import type { SlackWorld } from './slack-harness.ts';
import { postEvent } from './signed-requests.ts';

/** "Add to Slack" as an administrator's browser does it: the install link, Slack's consent (the fake grants a code), the redirect back. */
export async function addToSlack(world: SlackWorld, code: string, granted: FakeInstall, options: { state?: string; cookie?: string } = {}): Promise<{ start: Response; finish: Response; state: string }> {
  const start = await fetch(`${world.app.server.url}/slack/install`, { redirect: 'manual' });
  const location = new URL(start.headers.get('location') ?? 'http://missing/');
  const state = location.searchParams.get('state') ?? '';
  const cookie = options.cookie ?? (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  world.fake.grant(code, granted);
  const finish = await fetch(`${world.app.server.url}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(options.state ?? state)}`, { headers: { cookie }, redirect: 'manual' });
  return { start, finish, state };
}

/**
 * An Events API envelope about the install itself (app_uninstalled, tokens_revoked) from a
 * workspace installed on its own — in a Grid org when `enterprise` is given — signed as Slack signs it.
 */
export function installEvent(world: SlackWorld, from: { team: string; enterprise?: string }, event: Record<string, unknown>, eventId: string) {
  const enterprise = from.enterprise === undefined ? {} : { enterprise_id: from.enterprise };
  return postEvent(world.app.server.url, {
    token: 'verification-token',
    team_id: from.team,
    ...enterprise,
    api_app_id: 'A123ABC456',
    event: { ...event, event_ts: '1801000000.000100' },
    type: 'event_callback',
    authorizations: [{ ...enterprise, team_id: from.team, user_id: 'UBOTX', is_bot: true, is_enterprise_install: false }],
    event_id: eventId,
    event_time: 1_801_000_000,
  });
}

/** A one-item digest for `person` on `date`, as the sweep hands it to a channel. */
export function digestFor(person: { id: string; email: string }, date: string): DigestDelivery {
  return {
    key: `digest:${person.id}:${date}`,
    recipient: { id: person.id, email: person.email, fullName: 'Someone' },
    message: { recipientId: person.id, date, title: 'Your growth cycle: 1 thing', items: [{ obligationKey: 'k1', label: 'Self-reflection', dueOn: '2026-10-16', rule: '002 §12', state: 'due-soon', point: 'due-in-7', actions: [{ label: 'Start', value: 'start:k1' }] }] },
  };
}
