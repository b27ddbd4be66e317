/**
 * `/growth …` in Slack, the same words typed in Teams or the playground. One parser for every
 * channel, so the subcommands and their help are the same everywhere.
 */
export type GrowthCommand =
  | { kind: 'help'; unknown?: string | undefined }
  | { kind: 'status' }
  /** The policy paragraph behind the next item: the one place messages name paragraphs. */
  | { kind: 'why' }
  | { kind: 'summary'; department?: string | undefined }
  /** `page` counts from 1; the list is shown a page at a time. */
  | { kind: 'overdue'; department?: string | undefined; page?: number | undefined }
  | { kind: 'log'; text: string }
  /** The person's own access log: who has read their records and why (002 §18). */
  | { kind: 'who-has-seen' }
  /** Access on request (002 §18): a line manager asks, the head or PM deputy decides, a grant holder reads. */
  | { kind: 'request-access'; text: string }
  | { kind: 'access-requests' }
  | { kind: 'decide-access'; decision: 'granted' | 'refused'; code: string; rest: string }
  | { kind: 'see-plan'; name: string }
  /** Asking for another reviewer (002 §27, 004 §3.10): the reviewee asks with reasons, the head or PM deputy names a replacement or declines. */
  | { kind: 'change-reviewer'; reason: string }
  | { kind: 'reviewer-requests' }
  | { kind: 'decide-reviewer'; decision: 'replace' | 'keep'; code: string; rest: string }
  /** The head's decision after a move to a new post (002 §35): whether the named colleague's cycle begins again. */
  | { kind: 'decide-cycle'; decision: 'restart' | 'keep'; name: string }
  /** The head's decision to change a colleague's reviewer after a move to a new post (002 §35): `NAME: NEW REVIEWER`. */
  | { kind: 'reassign-reviewer'; name: string; newReviewer: string }
  /** The head's confirmation that a line manager may review more people than the policy's limit (002 §25): `NAME[: REASON]`. */
  | { kind: 'allow-reviewees'; name: string; reason?: string | undefined }
  /** Everything held about you, as files (002 §44); delete your time-expired records, once confirmed. */
  | { kind: 'my-records' }
  | { kind: 'delete-expired'; confirmed: boolean }
  /** The annual report to governors (002 §36–39) for the head and the PM deputy; moderation of plans (002 §8) for the head. */
  | { kind: 'report-governors'; year?: number | undefined; bad?: string | undefined }
  | { kind: 'moderate'; size?: number | undefined; bad?: string | undefined }
  /** Starts a dialog in a new thread; `target` is the colleague named after it (`checkin @sam`). */
  | { kind: 'dialog'; dialogId: string; trigger: string; target?: string | undefined };

interface DialogSubcommand {
  words: readonly string[];
  dialogId: string;
  /** The dialog trigger the engine knows. */
  trigger: string;
  /** Whether the subcommand names a colleague (`checkin @person`). */
  takesColleague: boolean;
  usage: string;
  description: string;
}

const DIALOG_SUBCOMMANDS: readonly DialogSubcommand[] = [
  { words: ['reflect', 'reflection'], dialogId: 'self-reflection', trigger: 'reflect', takesColleague: false, usage: 'reflect', description: 'your self-reflection against your standards' },
  { words: ['plan'], dialogId: 'growth-plan', trigger: 'plan', takesColleague: false, usage: 'plan', description: 'write or amend your growth plan' },
  { words: ['checkin', 'check-in'], dialogId: 'check-in', trigger: 'check-in', takesColleague: true, usage: 'checkin [@person]', description: 'record your check-in, or one with someone you review' },
  { words: ['schedule'], dialogId: 'schedule-check-in', trigger: 'schedule check-in', takesColleague: true, usage: 'schedule @person', description: 'book a check-in and send you both a calendar invitation' },
  { words: ['feedback'], dialogId: 'feedback-conversation', trigger: 'feedback', takesColleague: true, usage: 'feedback @person', description: 'a feedback conversation after a drop-in' },
  { words: ['observe', 'observation'], dialogId: 'observation', trigger: 'observe', takesColleague: true, usage: 'observe @person', description: 'record a lesson observation' },
  { words: ['peer'], dialogId: 'peer-observation', trigger: 'peer observation', takesColleague: true, usage: 'peer @person', description: 'record a visit to any colleague’s lesson to learn from them' },
  { words: ['agree', 'plans'], dialogId: 'plan-agreement', trigger: 'review plans', takesColleague: false, usage: 'agree', description: 'agree the plans your reviewees have sent you' },
  { words: ['grow', 'meeting'], dialogId: 'grow-meeting', trigger: 'grow', takesColleague: true, usage: 'grow @person', description: 'notes of a GROW planning meeting' },
  { words: ['comment'], dialogId: 'observation-comment', trigger: 'observation comment', takesColleague: false, usage: 'comment', description: 'add your comments to an observation of you' },
  { words: ['review'], dialogId: 'end-of-cycle-review', trigger: 'review', takesColleague: false, usage: 'review', description: 'the end-of-cycle review' },
  { words: ['report'], dialogId: 'final-report', trigger: 'final report', takesColleague: true, usage: 'report @person', description: 'issue the final review report (assessment and pay recommendation)' },
  { words: ['appeal'], dialogId: 'appeal', trigger: 'appeal', takesColleague: false, usage: 'appeal', description: 'appeal against your final review' },
  { words: ['outcome'], dialogId: 'appeal-outcome', trigger: 'appeal outcome', takesColleague: false, usage: 'outcome', description: 'record the outcome of an appeal you heard' },
  { words: ['threshold', 'ups'], dialogId: 'pay-threshold', trigger: 'threshold', takesColleague: false, usage: 'threshold', description: 'apply to cross the pay threshold' },
];

export function parseGrowthCommand(raw: string): GrowthCommand {
  const text = raw.trim().replace(/^\/growth\b/i, '').trim();
  if (text === '') return { kind: 'help' };
  const [first = '', ...restWords] = text.split(/\s+/);
  const word = first.toLowerCase();
  const rest = text.slice(first.length).trim();
  if (word === 'help' || word === '?') return { kind: 'help' };
  if (word === 'status' || word === 'me') return { kind: 'status' };
  if (word === 'why' || word === 'why?') return { kind: 'why' };
  if (word === 'summary') return { kind: 'summary', department: rest || undefined };
  if (word === 'overdue') return overdueCommand(rest);
  if (word === 'who-has-seen' || word === 'seen' || /^who\s+has\s+seen(\s+my\s+records)?\??$/i.test(text)) return { kind: 'who-has-seen' };
  if (word === 'request-access') return { kind: 'request-access', text: rest };
  if (word === 'access-requests') return { kind: 'access-requests' };
  if ((word === 'grant' || word === 'refuse') && restWords[0] !== undefined) {
    return { kind: 'decide-access', decision: word === 'grant' ? 'granted' : 'refused', code: restWords[0], rest: restWords.slice(1).join(' ') };
  }
  if (word === 'change-reviewer') return { kind: 'change-reviewer', reason: rest };
  if (word === 'reviewer-requests') return { kind: 'reviewer-requests' };
  if ((word === 'replace-reviewer' || word === 'keep-reviewer') && restWords[0] !== undefined) {
    return { kind: 'decide-reviewer', decision: word === 'replace-reviewer' ? 'replace' : 'keep', code: restWords[0], rest: restWords.slice(1).join(' ') };
  }
  if (word === 'restart-cycle' || word === 'keep-cycle') return { kind: 'decide-cycle', decision: word === 'restart-cycle' ? 'restart' : 'keep', name: rest };
  if (word === 'reassign-reviewer') return reassignReviewer(rest);
  if (word === 'allow-reviewees') return allowReviewees(rest);
  if (word === 'see-plan' && rest !== '') return { kind: 'see-plan', name: rest };
  if (word === 'my-records' || (word === 'my' && rest.toLowerCase() === 'records')) return { kind: 'my-records' };
  if (word === 'delete-expired') return { kind: 'delete-expired', confirmed: rest.toLowerCase() === 'yes' };
  if (word === 'report' && restWords[0]?.toLowerCase() === 'governors') return reportGovernors(restWords.slice(1).join(' '));
  if (word === 'moderate') return /^\d{0,2}$/.test(rest) ? { kind: 'moderate', size: rest === '' ? undefined : Number(rest) } : { kind: 'moderate', bad: rest };
  if (word === 'log' || word === 'diary') return rest === '' ? { kind: 'dialog', dialogId: 'growth-diary', trigger: 'log' } : { kind: 'log', text: rest };
  const sub = DIALOG_SUBCOMMANDS.find((s) => s.words.includes(word));
  if (sub === undefined) return { kind: 'help', unknown: text };
  if (sub.dialogId === 'plan-agreement' && restWords[0]?.toLowerCase() === 'plans') return { kind: 'dialog', dialogId: sub.dialogId, trigger: sub.trigger };
  return { kind: 'dialog', dialogId: sub.dialogId, trigger: sub.trigger, target: sub.takesColleague && rest !== '' ? rest : undefined };
}

/** `report governors [year]`: a year as 2025 or 2025/26 (the year the cycle starts in). */
function reportGovernors(rest: string): GrowthCommand {
  if (rest === '') return { kind: 'report-governors' };
  const year = /^(20\d\d)(?:\/\d\d)?$/.exec(rest);
  return year === null ? { kind: 'report-governors', bad: rest } : { kind: 'report-governors', year: Number(year[1]) };
}

/** `reassign-reviewer NAME: NEW REVIEWER`: the colleague before the first colon, the new reviewer after it (empty when missing: the head is asked for both). */
function reassignReviewer(rest: string): GrowthCommand {
  const colon = rest.indexOf(':');
  if (colon < 0) return { kind: 'reassign-reviewer', name: rest, newReviewer: '' };
  return { kind: 'reassign-reviewer', name: rest.slice(0, colon).trim(), newReviewer: rest.slice(colon + 1).trim() };
}

/** `allow-reviewees NAME[: REASON]`: the name before the first colon, the reason after it. */
function allowReviewees(rest: string): GrowthCommand {
  const colon = rest.indexOf(':');
  if (colon < 0) return { kind: 'allow-reviewees', name: rest };
  const reason = rest.slice(colon + 1).trim();
  return { kind: 'allow-reviewees', name: rest.slice(0, colon).trim(), reason: reason === '' ? undefined : reason };
}

/** `overdue [department] [page N]`: a trailing `page N` picks the page; the rest names the department. */
function overdueCommand(rest: string): GrowthCommand {
  const paged = /^(.*?)\s*\bpage\s+(\d{1,6})$/i.exec(rest);
  if (paged === null) return { kind: 'overdue', department: rest || undefined };
  return { kind: 'overdue', department: paged[1] || undefined, page: Math.max(1, Number(paged[2])) };
}

/** The help text every channel shows; `prefix` is `/growth ` in Slack and empty where commands are typed. */
export function growthHelp(prefix: string, options: { leader: boolean; inThreadNote?: string | undefined }): string {
  const lines = [
    '*Trellis* — your professional growth cycle, in chat.',
    ...DIALOG_SUBCOMMANDS.map((s) => `• \`${prefix}${s.usage}\` — ${s.description}`),
    `• \`${prefix}log TEXT\` — add a line to your growth diary`,
    `• \`${prefix}status\` — where you are in the cycle and what is due next`,
    `• \`${prefix}why\` — the policy paragraph behind your next item`,
    `• \`${prefix}who-has-seen\` — who has looked at your records, when and why`,
    `• \`${prefix}request-access NAME: REASON\` — as a line manager who is not the reviewer, ask the head to see a plan (002 §18)`,
    `• \`${prefix}see-plan NAME\` — a colleague's plan, if you review them, are their head, or were granted access`,
    `• \`${prefix}change-reviewer REASONS\` — ask the head for a different reviewer, with your reasons, where your policy allows it`,
    `• \`${prefix}my-records\` — everything Trellis holds about you, as a document and a data file`,
    `• \`${prefix}delete-expired\` — delete your records whose retention period has run out`,
  ];
  if (options.leader) {
    lines.push(`• \`${prefix}summary [department]\` — how many staff have completed each stage (counts only)`);
    lines.push(`• \`${prefix}overdue [department] [page N]\` — who is overdue for what, a page at a time (names for the head and the PM deputy)`);
    lines.push(`• \`${prefix}report governors [year]\` — the annual report to governors, as PDF, web page and CSV (head, PM deputy; 002 §37)`);
    lines.push(`• \`${prefix}moderate [n]\` — a random sample of n planning statements, without names (head; 002 §8)`);
    lines.push(`• \`${prefix}reviewer-requests\`, \`${prefix}replace-reviewer CODE NAME\`, \`${prefix}keep-reviewer CODE REASON\` — decide requests for a different reviewer (head, PM deputy)`);
    lines.push(`• \`${prefix}restart-cycle NAME\`, \`${prefix}keep-cycle NAME\` — after a move to a new post, decide whether the colleague’s cycle begins again (head; 002 §35)`);
    lines.push(`• \`${prefix}reassign-reviewer NAME: NEW REVIEWER\` — after a move to a new post, change the colleague’s reviewer (head; 002 §35)`);
    lines.push(`• \`${prefix}allow-reviewees NAME[: REASON]\` — confirm that a line manager may review more people than the policy’s limit (head; 002 §25)`);
    lines.push(`• \`${prefix}access-requests\`, \`${prefix}grant CODE [days]\`, \`${prefix}refuse CODE REASON\` — decide requests to see a plan (head, PM deputy)`);
  }
  lines.push(`• \`${prefix}help\` — this list`);
  if (options.inThreadNote) lines.push(options.inThreadNote);
  return lines.join('\n');
}
