/**
 * The CPD roll-up's themes (002 §19: "The school's CPD programme will be informed by the training
 * and development needs identified in planning and review meetings"). A plan or review is read
 * for two things only: a Teachers' Standard it names ("TS5", "Standard 5") and the keywords below,
 * matched case-blind at the start of a word. A person counts once per theme whatever how often it
 * is mentioned; nothing of the text itself ever leaves this module, so the report never quotes
 * what someone wrote.
 */
export interface CpdTheme {
  name: string;
  /** Word beginnings that put a text under the theme. */
  keywords: readonly string[];
  /** The Teachers' Standards (1–8) that map to it. */
  standards: readonly number[];
}

export const CPD_THEMES: readonly CpdTheme[] = [
  { name: 'Behaviour and relationships', keywords: ['behaviour', 'behavior', 'relationship', 'routine', 'classroom management', 'attendance'], standards: [1, 7] },
  { name: 'Pupil progress and outcomes', keywords: ['progress', 'outcome', 'attainment', 'results', 'achievement'], standards: [2] },
  { name: 'Subject knowledge and curriculum', keywords: ['subject knowledge', 'curriculum', 'sequenc', 'scheme of work'], standards: [3] },
  { name: 'Teaching and pedagogy', keywords: ['questioning', 'retrieval', 'modelling', 'explanation', 'instruction', 'metacognit', 'pedagog', 'lesson', 'planning'], standards: [4] },
  { name: 'Adaptive teaching, SEND and inclusion', keywords: ['send ', 'sen ', 'inclusion', 'adaptive', 'differentiat', 'disadvantag', 'pupil premium', 'eal'], standards: [5] },
  { name: 'Assessment and feedback', keywords: ['assessment', 'feedback', 'marking', 'data'], standards: [6] },
  { name: 'Reading, literacy and oracy', keywords: ['reading', 'literacy', 'phonics', 'oracy', 'vocabulary', 'writing'], standards: [] },
  { name: 'Leadership, coaching and mentoring', keywords: ['leader', 'leadership', 'coach', 'mentor', 'manage'], standards: [8] },
  { name: 'Wellbeing and workload', keywords: ['wellbeing', 'well-being', 'workload'], standards: [] },
  { name: 'Digital and technology', keywords: ['technology', 'digital', 'online', 'ict', 'computing'], standards: [] },
];

/** Named when a person's plan and review mention none of the themes. */
export const OTHER_THEME = 'Other or not stated';

const STANDARD = /\b(?:ts|teachers[’']? standard|standard)\s*([1-8])\b/gi;

/** The themes one person's texts fall under (each once); `OTHER_THEME` when none. */
export function themesOf(texts: readonly string[]): string[] {
  const text = ` ${texts.join(' \n ').toLowerCase()} `;
  const standards = new Set([...text.matchAll(STANDARD)].map((m) => Number(m[1])));
  const found = CPD_THEMES.filter((theme) => theme.standards.some((s) => standards.has(s)) || theme.keywords.some((k) => new RegExp(`(^|[^a-z])${escapeRegExp(k)}`).test(text))).map((t) => t.name);
  return found.length === 0 ? [OTHER_THEME] : found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
