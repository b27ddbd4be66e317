import type { CardElement, IAdaptiveCard } from '@microsoft/teams.cards';
import type { HomeView } from '../../core/bot/bot-ports.ts';
import { button, card, cardBytes, MAX_CARD_BYTES, text, VERB } from './adaptive-cards.ts';

/** When the card would not fit, what it says instead of the lines it leaves out. */
const MORE = 'There is more than fits here: say `status` for the full list.';

/**
 * Teams has no App Home, so the same content (`TrellisBot.home`) comes as a card when a person
 * says `home` and when they install the app: stage, what to start, dialogs in progress, next
 * deadlines, the plan, the people they review, and who has seen their records (002 §18). The
 * sections are those of Slack's App Home (src/channels/slack/render-views.ts `renderHome`).
 */
export function homeCard(view: HomeView): IAdaptiveCard {
  const year = `${view.academicYear}/${String((view.academicYear + 1) % 100).padStart(2, '0')}`;
  const head: CardElement[] = [text(`Your growth cycle ${year}`, { weight: 'Bolder', size: 'Medium' }), text(`**${view.person.fullName}** · stage: **${view.stage}**`)];
  if (view.exclusion !== undefined) head.push(text(view.exclusion, { isSubtle: true }));
  if (view.actions.length > 0) head.push({ type: 'ActionSet', actions: view.actions.map((a) => button(a.label, VERB.home, { trellis: 'home', value: a.value, label: a.label })) });
  const open = (view.inProgress ?? []).filter((d) => d.platform === 'teams');
  const sections: { title: string; lines: string[]; empty?: string }[] = [];
  if (open.length > 0) sections.push({ title: 'In progress (reply in this chat to carry on)', lines: open.map((d) => `• ${d.title}${d.status === 'paused' ? ' — paused, say `resume`' : ''}`) });
  sections.push({ title: 'Next deadlines', lines: view.deadlines.map((d) => `• ${d.overdue ? '⚠ ' : ''}${d.label} — ${d.dueText ?? `due ${d.dueOn}`}`), empty: 'Nothing due. Well done!' });
  if (view.plan !== undefined) sections.push({ title: `My plan (${view.plan.status})`, lines: view.plan.goals.map((g) => `• ${g}`) });
  if (view.reviewees.length > 0) sections.push({ title: 'People you review', lines: view.reviewees.map((r) => `• **${r.fullName}** — ${r.open} open, ${r.overdue} overdue${r.next ? ` · next: ${r.next}` : ''}`) });
  const seen = view.seenBy ?? [];
  sections.push({ title: 'Who has seen my records', lines: seen.map((s) => `• ${s.when}: ${s.text}`), empty: 'Nobody but you.' });
  const foot = text('Say `help` for everything Trellis can do, or `home` to see this again.', { size: 'Small', isSubtle: true });

  const build = (keep: number): IAdaptiveCard => {
    let left = keep;
    let cut = false;
    const body = [...head];
    for (const section of sections) {
      const lines = section.lines.slice(0, Math.max(0, left));
      left -= lines.length;
      if (lines.length < section.lines.length) cut = true;
      const shown = lines.length > 0 ? lines.join('\n') : (section.empty ?? '');
      body.push({ type: 'Container', separator: true, items: [text(section.title, { weight: 'Bolder' }), ...(shown === '' ? [] : [text(shown)])] });
    }
    if (cut) body.push(text(MORE, { isSubtle: true }));
    body.push(foot);
    return card(body);
  };
  // A card stays under Teams' size limit: lines are dropped from the end, and the card says so.
  let keep = sections.reduce((n, s) => n + s.lines.length, 0);
  let built = build(keep);
  while (cardBytes(built) > MAX_CARD_BYTES && keep > 0) {
    keep = Math.floor(keep * 0.8);
    built = build(keep);
  }
  return built;
}
