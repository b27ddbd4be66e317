/** U+200B: invisible, and enough to stop Teams reading the characters around it as markup. */
const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Text made inert for Teams' markdown (message text and Adaptive Card TextBlocks and facts): a
 * colleague's `[looks safe](http://evil)` stays visible words instead of a disguised link, and
 * `<at>Everyone</at>`, `<a href=…>` or `<http://…>` are not read as a mention, a tag or a link.
 * Markdown has no escape Teams honours everywhere (cards show a backslash or `&lt;` as typed),
 * so a zero-width space is put between `]` and `(` and after a `<` that would open a tag. Bare
 * URLs stay clickable, but show where they go. Trellis's own text uses only `**bold**`, which is
 * left alone, so every string the Teams renderers send passes through this.
 */
export function escapeTeamsText(text: string): string {
  return text.replace(/\]\s*\(/g, (match) => `]${ZERO_WIDTH_SPACE}${match.slice(1)}`).replace(/<(?=[a-zA-Z/!?])/g, `<${ZERO_WIDTH_SPACE}`);
}
