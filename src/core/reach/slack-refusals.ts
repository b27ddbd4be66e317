/**
 * What Slack refused when Trellis tried to reach a person: no user with their e-mail in the
 * workspace (users.lookupByEmail: users_not_found; a send: user_not_found), a deactivated account
 * (a user marked `deleted`; a send: account_inactive, user_disabled), or another refusal of a send
 * (channel_not_found, cannot_dm_bot).
 */
export type SlackRefusalKind = 'not-in-workspace' | 'deactivated' | 'refused';

/** A person's last Slack refusal, kept until a lookup or send works; `trellis reach` gives it as the reason. */
export interface SlackRefusal {
  /** The workspace (or Grid org) that answered, when known. */
  workspace?: string | undefined;
  outcome: SlackRefusalKind;
  /** What Slack said, in a sentence (the method and its error code). */
  detail: string;
  at: Date;
}

/** The storage side: one row a person, replaced by each refusal and removed by a success. */
export interface SlackRefusalStore {
  record(personId: string, refusal: SlackRefusal): Promise<void>;
  clear(personId: string): Promise<void>;
}

/** A Slack refusal in words: what it means for the person, and what Slack said. */
export function slackRefusalReason(refusal: SlackRefusal): string {
  const what =
    refusal.outcome === 'not-in-workspace'
      ? 'not in the Slack workspace (no user with their e-mail there)'
      : refusal.outcome === 'deactivated'
        ? 'Slack account deactivated'
        : 'Slack refused messages to them';
  const where = refusal.workspace === undefined ? '' : `workspace ${refusal.workspace}, `;
  return `${what}; ${where}${refusal.detail}`;
}
