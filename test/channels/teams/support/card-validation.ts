import { createRequire } from 'node:module';

// The adaptivecards package's ESM build has extension-less imports Node can't resolve; its UMD build parses fine.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: { message: string }[] } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

/** Problems the Adaptive Cards library finds parsing and validating a card: [] when it is clean. */
export function cardProblems(json: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  problems.push(...card.validateProperties().validationEvents.map((event) => event.message));
  return problems;
}
