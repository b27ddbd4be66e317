/**
 * The demo staff list every demo school gets: about twenty people in the roles a visitor wants to
 * try (a teacher, a teaching assistant, a line manager, the head, a trust leader), with the
 * flags that change a policy's timeline (ECT, UPS, TLR, part-time, a January starter).
 */
interface DemoPerson {
  name: string;
  role: 'teacher' | 'teaching-assistant' | 'support' | 'leader' | 'headteacher' | 'trust-leader';
  manager?: string;
  department?: string;
  /** Relative to the academic year: `past` is years ago, `september`/`january` this year. */
  start: 'past' | 'september' | 'january';
  flags?: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  // The trust's CEO: a trust leader, so she is never taken for the school's head.
  { name: 'Grace Okafor', role: 'trust-leader', department: 'Trust', start: 'past' },
  { name: 'Helen Hughes', role: 'headteacher', manager: 'Grace Okafor', start: 'past' },
  { name: 'David Patel', role: 'leader', manager: 'Helen Hughes', department: 'SLT', start: 'past', flags: 'leadership-scale;pm-deputy' },
  { name: 'Amira Khan', role: 'leader', manager: 'Helen Hughes', department: 'SLT', start: 'past', flags: 'leadership-scale' },
  { name: 'Mo Ahmed', role: 'teacher', manager: 'David Patel', department: 'Maths', start: 'past', flags: 'tlr;ups' },
  { name: 'Ruth Evans', role: 'teacher', manager: 'David Patel', department: 'English', start: 'past', flags: 'tlr' },
  { name: 'Tom Baker', role: 'teacher', manager: 'Mo Ahmed', department: 'Maths', start: 'past' },
  { name: 'Ella Wright', role: 'teacher', manager: 'Mo Ahmed', department: 'Maths', start: 'september', flags: 'ect' },
  { name: 'Sam Lewis', role: 'teacher', manager: 'Mo Ahmed', department: 'Maths', start: 'past', flags: 'ups' },
  { name: 'Nadia Hussain', role: 'teacher', manager: 'Ruth Evans', department: 'English', start: 'past' },
  { name: 'Owen Price', role: 'teacher', manager: 'Ruth Evans', department: 'English', start: 'past', flags: 'part-time' },
  { name: 'Chloe Martin', role: 'teacher', manager: 'Amira Khan', department: 'Science', start: 'past' },
  { name: 'Jack Wilson', role: 'teacher', manager: 'Amira Khan', department: 'Science', start: 'september', flags: 'ect' },
  { name: 'Leo Murphy', role: 'teacher', manager: 'Amira Khan', department: 'Science', start: 'january' },
  { name: 'Priya Singh', role: 'teaching-assistant', manager: 'Mo Ahmed', department: 'Maths', start: 'past' },
  { name: 'Ben Clarke', role: 'teaching-assistant', manager: 'Ruth Evans', department: 'English', start: 'past' },
  { name: 'Lucy Green', role: 'teaching-assistant', manager: 'Amira Khan', department: 'Science', start: 'past' },
  { name: 'Fatima Ali', role: 'support', manager: 'David Patel', department: 'Office', start: 'past', flags: 'grade6plus' },
  { name: 'Gary Hall', role: 'support', manager: 'Fatima Ali', department: 'Site', start: 'past' },
  { name: 'Zoe Turner', role: 'support', manager: 'Fatima Ali', department: 'Finance', start: 'past' },
];

export function demoEmail(name: string, schoolSlug: string): string {
  return `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@${schoolSlug}.example`;
}

/** The demo staff as a roster CSV, so the demo loads through the same importer a school uses. */
export function demoRosterCsv(schoolSlug: string, academicYear: number): string {
  const startDate = (start: DemoPerson['start']) =>
    start === 'september' ? `${academicYear}-09-01` : start === 'january' ? `${academicYear + 1}-01-05` : `${academicYear - 6}-09-01`;
  const lines = DEMO_PEOPLE.map((p) =>
    [demoEmail(p.name, schoolSlug), p.name, p.role, p.manager === undefined ? '' : demoEmail(p.manager, schoolSlug), p.department ?? '', '', startDate(p.start), 'permanent', '', p.flags ?? ''].join(','),
  );
  return ['email,full_name,role,line_manager_email,department,coach_email,start_date,contract,contract_end,flags', ...lines].join('\n');
}
