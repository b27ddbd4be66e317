import type { z } from 'zod';
import { closestName, knownFieldsAt } from './unknown-fields.ts';

/** One thing wrong with some input, with where it is, in words a school's IT lead can act on. */
export interface Problem {
  path: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** `['terms', 1, 'start']` → `terms[1].start`; the root is `(file)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(file)' : out;
}

/**
 * One problem per zod issue. Given the schema and the input that failed, each field the schema
 * does not know is its own problem at its own path, naming the known field it most likely meant.
 */
export function problemsFromZod(error: z.ZodError, checked?: { schema: z.ZodType; input: unknown }): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code !== 'unrecognized_keys') return [{ path: formatPath(issue.path), message: issue.message }];
    const known = checked === undefined ? undefined : knownFieldsAt(checked.schema, checked.input, issue.path);
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: unknownFieldMessage(key, known) }));
  });
}

function unknownFieldMessage(key: string, known: readonly string[] | undefined): string {
  const base = 'is not a setting Trellis knows here';
  if (known === undefined) return `${base}; remove it`;
  const closest = closestName(key, known);
  if (closest !== undefined) return `${base}; did you mean "${closest}"?`;
  return `${base}; the settings here are ${known.join(', ')}`;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
}
