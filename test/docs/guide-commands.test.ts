import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';

const ROOT = join(import.meta.dirname, '../..');
const GUIDES = ['docs/slack.md', 'docs/teams.md', 'docs/admin.md'];

/** The CLI's own usage (`trellis help`), one line per form of a command. */
async function usageLines(): Promise<string[]> {
  const printed: string[] = [];
  expect(await runCli(['help'], { out: (text) => printed.push(text), err: (text) => printed.push(text) })).toBe(0);
  return printed
    .join('\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('trellis '))
    // What follows three spaces and a parenthesis is the form's explanation, not its syntax.
    .map((line) => line.replace(/\s{2,}\(.*$/, ''));
}

/** The `trellis …` command lines in a guide's fenced code blocks (npx, comments and continuation dropped), with their line numbers. */
function codeBlockCommands(file: string): { line: number; words: string[] }[] {
  const found: { line: number; words: string[] }[] = [];
  let inBlock = false;
  readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (/^\s*```/.test(text)) {
        inBlock = !inBlock;
        return;
      }
      const command = /(?:^|\s)(?:npx\s+)?trellis\s+(.*)$/.exec(text.replace(/\s#.*$/, ''));
      if (inBlock && command !== null) found.push({ line: i + 1, words: command[1]!.trim().split(/\s+/) });
    });
  return found;
}

/** The `trellis …` commands quoted inline (`…`) in a guide's prose, which may leave out their arguments. */
function inlineCommands(file: string): { line: number; words: string[] }[] {
  const found: { line: number; words: string[] }[] = [];
  readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      for (const match of text.matchAll(/`(?:npx\s+)?trellis\s+([^`]+)`/g)) {
        // Prose shorthand: `--slack-team/--teams-tenant` names two options, `add|remove` two forms.
        const words = match[1]!.replace(/…/g, ' ').trim().split(/\s+/).flatMap((word) => (word.startsWith('--') ? word.split('/') : [word]));
        const alternatives = words.findIndex((word) => !word.startsWith('--') && word.includes('|'));
        const forms = alternatives === -1 ? [words] : words[alternatives]!.split('|').map((choice) => words.map((word, j) => (j === alternatives ? choice : word)));
        for (const form of forms) found.push({ line: i + 1, words: form });
      }
    });
  return found;
}

const isFlag = (word: string) => word.startsWith('--');
/** A usage word that is literal (`tenants`, `add|remove`) rather than a placeholder (`SCHOOL`, `FILE.csv|FILE.xlsx`, `[--json]`). */
const literalsOf = (word: string): string[] | undefined => (/^[a-z][a-z-]*(\|[a-z][a-z-]*)*$/.test(word) ? word.split('|') : undefined);

/**
 * Whether the doc's words are a form the usage gives: the command and each literal word before the
 * first option match the usage's in place (a placeholder takes anything), and every option the doc
 * uses is one that form names. With `prefix`, the doc may stop early (a command quoted in prose).
 */
function problemWith(words: readonly string[], usage: readonly string[], prefix: boolean): string | undefined {
  const forms = usage.map((line) => line.split(/\s+/).slice(1)).filter((form) => form[0] === words[0]);
  if (forms.length === 0) return `there is no command "trellis ${words[0]}"`;
  const positionals = words.slice(0, words.findIndex(isFlag) === -1 ? words.length : words.findIndex(isFlag));
  const flags = words.filter(isFlag).map((flag) => flag.split('=')[0]!);
  const matching = forms.filter((form) => {
    const formPositionals = form.slice(0, form.findIndex((w) => w.includes('--') || w.startsWith('[')) === -1 ? form.length : form.findIndex((w) => w.includes('--') || w.startsWith('[')));
    if (!prefix && positionals.length > formPositionals.length && !formPositionals.some((w) => w.endsWith('...'))) return false;
    return positionals.every((word, i) => {
      const expected = formPositionals[i];
      if (expected === undefined) return formPositionals.some((w) => w.endsWith('...'));
      const literals = literalsOf(expected);
      return literals === undefined || literals.includes(word);
    });
  });
  if (matching.length === 0) return `"trellis ${positionals.join(' ')}" is not a form the CLI's usage gives`;
  const named = new Set(matching.flatMap((form) => form.join(' ').match(/--[a-z][a-z-]*/g) ?? []));
  const unknown = flags.filter((flag) => !named.has(flag));
  return unknown.length === 0 ? undefined : `${unknown.join(', ')} is not an option of "trellis ${positionals.join(' ')}"`;
}

describe('the install and admin guides name only real commands and options', () => {
  it('the checker itself refuses a command, a subcommand and an option the CLI does not have', async () => {
    const usage = await usageLines();
    expect(problemWith(['schools', 'set', 'x'], usage, false)).toMatch(/no command/);
    expect(problemWith(['teams', 'tenants', 'purge'], usage, false)).toMatch(/not a form/);
    expect(problemWith(['admins', 'add', 'a@b.example', '--college', 'x'], usage, false)).toMatch(/--college is not an option/);
    expect(problemWith(['admins', 'add', 'a@b.example', '--school', 'x'], usage, false)).toBeUndefined();
  });

  for (const guide of GUIDES) {
    it(`every trellis command in ${guide}'s code blocks and prose is one the CLI has, with options it takes`, async () => {
      const usage = await usageLines();
      const blocks = codeBlockCommands(guide);
      const inline = inlineCommands(guide);
      expect(blocks.length + inline.length).toBeGreaterThan(0);
      const problems = [
        ...blocks.map(({ line, words }) => ({ line, problem: problemWith(words, usage, false) })),
        ...inline.map(({ line, words }) => ({ line, problem: problemWith(words, usage, true) })),
      ].filter((p) => p.problem !== undefined);
      expect(problems.map((p) => `${guide}:${p.line}: ${p.problem}`)).toEqual([]);
    });
  }
});
