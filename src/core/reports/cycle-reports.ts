import type { BotReports, HomeView, KnownPerson } from '../bot/bot-ports.ts';
import { say, type OutgoingMessage } from '../conversations/engine/outgoing-message.ts';

/** Status, home and leaders' summaries. First cut: the shape only; the counts come in the next change. */
export class CycleReports implements BotReports {
  async status(person: KnownPerson): Promise<OutgoingMessage[]> {
    return [say(`${person.fullName}: your cycle status will appear here.`)];
  }

  async home(person: KnownPerson, now: Date): Promise<HomeView> {
    return { person: { id: person.id, fullName: person.fullName, role: person.role }, academicYear: now.getUTCFullYear(), stage: 'Planning', deadlines: [], reviewees: [], actions: [] };
  }

  async summary(): Promise<OutgoingMessage[]> {
    return [say('Summary: not available yet.')];
  }

  async overdue(): Promise<OutgoingMessage[]> {
    return [say('Overdue: not available yet.')];
  }
}
