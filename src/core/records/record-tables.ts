/**
 * Every table that holds something about a person, and the columns that name them. The export
 * (`my-records`, `trellis export person`) reads exactly these; a test compares this list with the
 * Prisma schema and fails when a table or column pointing at a person is missing, so a new kind of
 * record cannot quietly stay out of a subject access request (002 §44; UK GDPR Article 15).
 */
export interface RecordTable {
  /** The PostgreSQL table. */
  table: string;
  /** Its heading in the readable document. */
  title: string;
  /** What the rows are, in a sentence for the reader. */
  about: string;
  /** Columns that hold a person's id: a row is theirs when any of them is the person. */
  personColumns: readonly string[];
  /** A table with no person column of its own is reached through its parent (a plan's goals through the plan). */
  parent?: { table: string; column: string; personColumn: string } | undefined;
}

export const RECORD_TABLES: readonly RecordTable[] = [
  { table: 'people', title: 'You on the staff list', about: 'Your row in the school’s roster: name, e-mail, role, department, contract and flags.', personColumns: ['id'] },
  { table: 'platform_identities', title: 'Chat accounts', about: 'The Slack or Teams accounts linked to you, so Trellis can message you.', personColumns: ['person_id'] },
  { table: 'teams_install_failures', title: 'Teams app not installed', about: 'Why Trellis could not add its Teams app for you (what Microsoft Graph answered), until it can.', personColumns: ['person_id'] },
  { table: 'slack_reach_failures', title: 'Slack could not reach you', about: 'What Slack last answered when Trellis could not find or message you there (not in the workspace, account deactivated), until it can.', personColumns: ['person_id'] },
  { table: 'reviewer_assignments', title: 'Reviewers and coaches', about: 'Who reviews or coaches you, and whom you review or coach, with dates.', personColumns: ['reviewee_id', 'reviewer_id'] },
  { table: 'cycles', title: 'Growth cycles', about: 'One row per academic year you were in the cycle (or why you were not).', personColumns: ['person_id'] },
  { table: 'obligations', title: 'Deadlines', about: 'What you (or someone about you) had to do, by when, and whether it was done.', personColumns: ['person_id', 'owner_person_id'] },
  { table: 'self_reflections', title: 'Self-reflections', about: 'Your reflections against your standards.', personColumns: ['person_id'] },
  { table: 'growth_plans', title: 'Growth plans', about: 'Your plans, and plans you agreed as a reviewer.', personColumns: ['person_id', 'agreed_by_id'] },
  {
    table: 'plan_goals',
    title: 'Goals, targets and expectations',
    about: 'The goals in your growth plans.',
    personColumns: [],
    parent: { table: 'growth_plans', column: 'plan_id', personColumn: 'person_id' },
  },
  { table: 'check_ins', title: 'Check-ins', about: 'Check-in notes about you, and check-ins you held.', personColumns: ['person_id', 'conducted_by_id'] },
  { table: 'check_in_meetings', title: 'Booked check-in meetings', about: 'Meetings booked with you or by you.', personColumns: ['person_id', 'organizer_id'] },
  { table: 'diary_entries', title: 'Growth diary', about: 'Lines you added to your growth diary.', personColumns: ['person_id'] },
  { table: 'feedback_records', title: 'Feedback conversations', about: 'Feedback you received, and feedback you gave.', personColumns: ['person_id', 'given_by_id'] },
  { table: 'observations', title: 'Observations', about: 'Lesson observations of you, and observations you made.', personColumns: ['person_id', 'observer_id'] },
  { table: 'peer_observations', title: 'Peer observations', about: 'Colleagues’ lessons you visited to learn from them, and visits to your lessons.', personColumns: ['observer_id', 'colleague_id'] },
  { table: 'end_of_cycle_reviews', title: 'End-of-cycle reviews', about: 'Your reviews, and reviews you wrote.', personColumns: ['person_id', 'reviewer_id'] },
  { table: 'appeals', title: 'Appeals', about: 'Appeals you lodged, and appeals you managed.', personColumns: ['person_id', 'appeal_manager_id'] },
  { table: 'pay_threshold_applications', title: 'Pay threshold applications', about: 'Your applications, and ones you decided.', personColumns: ['person_id', 'decided_by_id'] },
  { table: 'conversations', title: 'Conversations with Trellis', about: 'Where each of your conversations with the bot had got to, with the answers it was holding.', personColumns: ['person_id'] },
  { table: 'reminders', title: 'Reminders sent to you', about: 'Every reminder Trellis queued or sent you.', personColumns: ['recipient_id'] },
  { table: 'nudge_outbox', title: 'Messages queued for you', about: 'Each day’s digest of your reminders, and the notices and notifications Trellis queued or sent you.', personColumns: ['recipient_id'] },
  { table: 'access_logs', title: 'Who read your records', about: 'Each time someone read your records, and records you read.', personColumns: ['subject_id', 'viewer_id'] },
  { table: 'access_grants', title: 'Access granted on request', about: 'Access to your plan asked for and granted (002 §18), and grants you asked for or gave.', personColumns: ['subject_id', 'requester_id', 'granted_by_id'] },
  { table: 'reviewer_change_requests', title: 'Requests for a different reviewer', about: 'Your requests for another reviewer and what was decided (002 §27, 004 §3.10), and requests you were named in or decided.', personColumns: ['reviewee_id', 'reviewer_id', 'decided_by_id', 'new_reviewer_id'] },
  { table: 'audit_events', title: 'Things you did', about: 'Actions Trellis recorded you taking.', personColumns: ['actor_id'] },
  { table: 'deletion_log', title: 'Records destroyed', about: 'Records of yours destroyed when their retention period ended; the log keeps what kind of record it was and when, never its content.', personColumns: ['subject_person_id'] },
];

/**
 * Columns that point at a person but whose rows are about someone else: a line manager's export
 * does not carry their team's roster rows (their own row already names their line manager).
 */
export const NOT_EXPORTED_PERSON_COLUMNS: readonly { table: string; column: string; why: string }[] = [
  { table: 'people', column: 'line_manager_id', why: 'the rows are the direct reports’ own roster rows; each person’s own row names their line manager' },
];

/** A table's name in a sentence: "check-ins", "growth cycles". */
export function recordTableTitle(table: string): string {
  return RECORD_TABLES.find((t) => t.table === table)?.title.toLowerCase() ?? table.replace(/_/g, ' ');
}
