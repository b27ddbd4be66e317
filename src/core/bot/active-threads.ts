import type { ChatPlatform } from './bot-ports.ts';

/** A dialog still under way in one of a person's conversations. */
export interface OpenThread {
  threadKey: string;
  dialogId: string;
  status: 'active' | 'paused';
}

/**
 * Finding where a typed reply belongs when the chat has no threads. Teams' personal chat is flat:
 * every dialog a person runs lives in the same conversation, so a reply without a card goes to
 * the one they touched last.
 */
export interface ActiveThreads {
  /** The person's most recently updated active or paused dialog whose thread key starts with `threadKeyPrefix`. */
  latestOpen(tenant: string, platform: ChatPlatform, personId: string, threadKeyPrefix: string): Promise<OpenThread | undefined>;
  /** All of the person's active or paused dialogs on this platform, most recently touched first. */
  openThreads(tenant: string, platform: ChatPlatform, personId: string): Promise<OpenThread[]>;
}

/** Who manages whom, for telling a manager that a report's reminders can't reach them. */
export interface LineManagers {
  lineManagerOf(personId: string): Promise<{ id: string; fullName: string } | undefined>;
}
