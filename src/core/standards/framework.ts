/** One heading a person reflects against, with the sub-points that explain it. */
export interface Standard {
  id: string;
  /** How the summary and `edit` name it: "Standard 3", "Part two", "Working with others". */
  short: string;
  heading: string;
  /** e.g. "Part one: teaching"; shown once when the part changes. */
  part?: string | undefined;
  points: readonly string[];
}

/** A published set of standards (Teachers', TA, Headteachers'). */
export interface StandardsFramework {
  set: 'teachers-standards' | 'ta-standards' | 'headteachers-standards';
  title: string;
  source: string;
  standards: readonly Standard[];
}
