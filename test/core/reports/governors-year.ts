import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PrismaClient } from '../../../src/storage/db/create-prisma-client.ts';

/** What each in-cycle person's plan says: names and e-mails included, so a leak would show. */
const PLAN_TEXTS = [
  'Improve questioning and retrieval practice in Year 9 (TS4)',
  'Adaptive teaching for pupils with SEND in my tutor group',
  'Sharpen assessment and feedback so marking workload falls',
  'Build routines for behaviour at the start of lessons',
  'Develop subject knowledge of the new curriculum',
];

/**
 * A year of a school lived through, written straight to the database after the roster import has
 * planned everyone's obligations: most stages done on time, some late, some never done; a plan
 * for everyone in the cycle whose objectives name them and their e-mail; observations, some over
 * a cap; and a handful of appeals. Deterministic, so the figures are the same every run.
 */
export async function liveTheYear(prisma: PrismaClient, slug: string, year = 2026): Promise<void> {
  const obligations = await prisma.obligation.findMany({ where: { cycle: { school: { slug }, academicYear: year } }, orderBy: [{ person: { email: 'asc' } }, { kind: 'asc' }, { dueOn: 'asc' }], select: { id: true, dueOn: true } });
  for (const [i, o] of obligations.entries()) {
    if (i % 7 === 0) continue;
    const late = i % 3 === 0;
    const doneOn = new Date(o.dueOn.getTime() + (late ? 12 : -3) * 86_400_000 + 12 * 3_600_000);
    await prisma.obligation.update({ where: { id: o.id }, data: { status: 'done', completedAt: doneOn } });
  }
  const cycles = await prisma.cycle.findMany({ where: { school: { slug }, academicYear: year, status: { not: 'excluded' } }, orderBy: { person: { email: 'asc' } }, select: { id: true, personId: true, person: { select: { fullName: true, email: true } } } });
  for (const [i, cycle] of cycles.entries()) {
    const { fullName, email } = cycle.person;
    const plan = await prisma.growthPlan.create({ data: { cycleId: cycle.id, personId: cycle.personId, status: i % 6 === 0 ? 'submitted' : 'agreed', summary: `${fullName}'s plan (${email})`, details: { developmentNeeds: `${fullName} wants time for ${PLAN_TEXTS[(i + 2) % PLAN_TEXTS.length]}` } } });
    await prisma.planGoal.create({ data: { planId: plan.id, kind: 'goal', title: PLAN_TEXTS[i % PLAN_TEXTS.length] ?? '', detail: 'Agreed with my reviewer', successCriteria: 'Pupils explain their thinking' } });
    const minutes = i % 5 === 0 ? [120, 90] : [60];
    for (const [k, m] of minutes.entries()) {
      await prisma.observation.create({ data: { cycleId: cycle.id, personId: cycle.personId, observedOn: new Date(Date.UTC(year, 10 + k, 10)), className: `${fullName}'s class`, minutes: m } });
    }
  }
  const outcomes = ['Not upheld: the review stands', 'Not upheld', 'Upheld in part', 'Not upheld', 'Not upheld', 'Not upheld', 'withdrawn'];
  for (const [i, outcome] of outcomes.entries()) {
    const cycle = cycles[i];
    if (cycle === undefined) continue;
    await prisma.appeal.create({
      data: {
        cycleId: cycle.id,
        personId: cycle.personId,
        grounds: `${cycle.person.fullName} disagrees`,
        lodgedOn: new Date(Date.UTC(year + 1, 6, 1)),
        finalReportReceivedOn: new Date(Date.UTC(year + 1, 5, 25)),
        status: outcome === 'withdrawn' ? 'withdrawn' : 'decided',
        outcome: outcome === 'withdrawn' ? null : outcome,
      },
    });
  }
}

/** The text of every page of a PDF, as a governor's PDF reader would extract it. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  // Standard fonts are not embedded by pdfkit; errors only, as text extraction does not need them drawn.
  const task = getDocument({ data: bytes, verbosity: VerbosityLevel.ERRORS });
  const pdf = await task.promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await task.destroy();
  return pages.join('\n');
}

/** Text of an HTML page: tags and the charts' markup removed (chart labels are kept, as they are read). */
export function htmlText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');
}
