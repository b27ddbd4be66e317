// A terminal playground for the conversation engine: chat with any dialog without Slack or Teams.
//
//   node --import tsx scripts/chat.ts [--preset kingsmead|thomas-alleyne|tpat|whmat]
//        [--role teacher|teaching-assistant|support|leader|headteacher] [--flags upr,tlr]
//        [--at 2026-10-05T09:00:00Z] [--data-dir ./data]      (DATABASE_URL is used when set)
//
// It seeds a playground school for the preset (you, plus "Riley Reviewer" as your line manager)
// and a cycle for the current academic year. Type as you would in a chat; a number picks a
// button. `/as reviewer` and `/as me` switch who is typing (to agree plans), `/quit` leaves.
// The thread is the same every run, so quitting mid-dialog and starting again carries on.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ALL_DIALOGS } from '../src/core/conversations/dialogs/all-dialogs.ts';
import type { TurnInput } from '../src/core/conversations/engine/inbound-turn.ts';
import { type Choice, messageText, type OutgoingMessage } from '../src/core/conversations/engine/outgoing-message.ts';
import { ConversationEngine } from '../src/core/conversations/engine/run-turn.ts';
import { turnCause } from '../src/core/notifications/notification-queue.ts';
import { FlagSchema, RoleSchema } from '../src/core/people/person.ts';
import { getPreset, PRESET_NAMES } from '../src/core/policy/presets/index.ts';
import { type Clock, currentAcademicYear, fixedClock, systemClock } from '../src/core/time/clock.ts';
import { openDatabase } from '../src/storage/db/open-database.ts';
import type { PrismaClient } from '../src/storage/db/create-prisma-client.ts';
import { PrismaConversationStore } from '../src/storage/prisma/prisma-conversation-store.ts';

const { values: args } = parseArgs({
  options: {
    preset: { type: 'string', default: 'kingsmead' },
    role: { type: 'string', default: 'teacher' },
    flags: { type: 'string', default: '' },
    at: { type: 'string' },
    'data-dir': { type: 'string', default: process.env.TRELLIS_DATA_DIR ?? './data' },
  },
});

const policy = getPreset(args.preset);
if (policy === undefined) throw new Error(`unknown preset "${args.preset}"; try one of ${PRESET_NAMES.join(', ')}`);
const role = RoleSchema.parse(args.role);
const flags = args.flags.split(',').filter((f) => f !== '').map((f) => FlagSchema.parse(f.trim()));
const clock: Clock = args.at ? fixedClock(args.at) : systemClock;

const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: args['data-dir'] });
try {
  const people = await seedPlayground(db.prisma, clock);
  const engine = new ConversationEngine({ store: new PrismaConversationStore(db.prisma), clock, dialogs: ALL_DIALOGS });
  const names = new Map([
    [people.me, 'you'],
    [people.reviewer, 'Riley'],
  ]);
  let speaker = people.me;
  let lastChoices: readonly Choice[] = [];
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  print([{ type: 'text', text: `Trellis playground — ${policy.name} (${args.preset}), you are a ${role}${flags.length ? ` (${flags.join(', ')})` : ''}. Say \`help\`.` }]);
  const prompt = () => process.stdout.write(`${names.get(speaker)}> `);
  prompt();
  // Iterating the interface (rather than rl.question) keeps piped-in lines, so a transcript
  // can be replayed: printf 'reflect\n1\n' | node --import tsx scripts/chat.ts
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit') break;
    if (line === '/as reviewer' || line === '/as me') {
      speaker = line === '/as me' ? people.me : people.reviewer;
      lastChoices = [];
      prompt();
      continue;
    }
    if (line === '') {
      prompt();
      continue;
    }
    const picked = /^\d+$/.test(line) ? lastChoices[Number(line) - 1] : undefined;
    const input: TurnInput = picked ? { kind: 'choice', value: picked.value } : { kind: 'text', text: line };
    const turn = { tenant: 'local', platform: 'local' as const, threadKey: `playground:${speaker}`, personId: speaker, messageId: randomUUID() };
    const result = await engine.handle({ ...turn, input });
    print(result.messages);
    lastChoices = [...result.messages].reverse().find((m) => m.type === 'choices')?.choices ?? [];
    // What the turn queued for other people (a server's job engine would deliver it): shown here, left in the outbox.
    const queued = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: `notify:${turnCause(turn)}:` } }, orderBy: { key: 'asc' } });
    for (const note of queued) print((note.payload as unknown as { messages: OutgoingMessage[] }).messages, `  [to ${names.get(note.recipientId) ?? note.recipientId}] `);
    prompt();
  }
  rl.close();
} finally {
  await db.close();
}

function print(messages: readonly OutgoingMessage[], prefix = 'bot: '): void {
  for (const message of messages) console.log(`${prefix}${messageText(message).replace(/\n/g, `\n${' '.repeat(prefix.length)}`)}`);
}

/** The playground school, its two people and their cycles; idempotent, so reruns reuse them. */
async function seedPlayground(prisma: PrismaClient, now: Clock): Promise<{ me: string; reviewer: string }> {
  const slug = `playground-${args.preset}`;
  const school = await prisma.school.upsert({
    where: { slug },
    create: { slug, name: `Playground (${policy!.organisation})`, policy: policy!, policySource: `preset:${args.preset}`, termDates: {} },
    update: { policy: policy! },
  });
  const person = (email: string, fullName: string, personRole: string, personFlags: string[], lineManagerId: string | null) =>
    prisma.person.upsert({
      where: { schoolId_email: { schoolId: school.id, email } },
      create: { schoolId: school.id, email, fullName, role: personRole, flags: personFlags, lineManagerId },
      update: { role: personRole, flags: personFlags, lineManagerId },
    });
  const reviewer = await person('riley@playground.example', 'Riley Reviewer', 'leader', [], null);
  const me = await person('me@playground.example', 'Pat Playground', role, flags, reviewer.id);
  const year = currentAcademicYear(now);
  for (const p of [me, reviewer]) {
    await prisma.cycle.upsert({
      where: { personId_academicYear: { personId: p.id, academicYear: year } },
      create: { schoolId: school.id, personId: p.id, academicYear: year, startsOn: new Date(`${year}-09-01T00:00:00Z`), endsOn: new Date(`${year + 1}-08-31T00:00:00Z`) },
      update: {},
    });
  }
  return { me: me.id, reviewer: reviewer.id };
}
