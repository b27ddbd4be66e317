import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { isIsoDate } from '../core/calendar/iso-date.ts';
import { REGIONS, type Region } from '../core/calendar/region.ts';
import { type TermDates, parseTermDates } from '../core/calendar/term-dates.ts';
import { parsePolicyText } from '../core/policy/load-policy.ts';
import type { Policy } from '../core/policy/policy-schema.ts';
import { PRESET_NAMES, getPreset } from '../core/policy/presets/index.ts';
import { formatProblems } from '../core/validation/problems.ts';
import { CliError } from './cli-error.ts';

/** Reads a file for a command, turning "no such file" into a sentence rather than a stack trace. */
export async function readTextFile(path: string, what: string): Promise<string> {
  return new TextDecoder('utf-8').decode(await readBinaryFile(path, what));
}

/**
 * A file to read as a stream, checked first so a missing file or a folder gets the same plain
 * words as `readBinaryFile`; the function returned opens it from the start each time it is called.
 */
export async function openFileStream(path: string, what: string): Promise<() => AsyncIterable<Uint8Array>> {
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    await (await open(path)).close();
  } catch (error) {
    throw fileError(error, path, what);
  }
  return () => createReadStream(path);
}

/** The same, as bytes (a spreadsheet). */
export async function readBinaryFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw fileError(error, path, what);
  }
}

function fileError(error: unknown, path: string, what: string): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CliError(`Cannot find the ${what} file "${path}".`);
  if (code === 'EISDIR') return new CliError(`"${path}" is a folder; give the path of a ${what} file.`);
  return new CliError(`Cannot read the ${what} file "${path}": ${(error as Error).message}`);
}

export async function readPolicyFile(path: string): Promise<Policy> {
  const parsed = parsePolicyText(await readTextFile(path, 'policy'));
  if (!parsed.ok) throw new CliError(`${path} is not a valid policy:\n${formatProblems(parsed.problems)}`);
  return parsed.value;
}

/** A preset name (`whmat`) or the path of a policy file. */
export async function readPolicyArgument(value: string): Promise<{ policy: Policy; source: string }> {
  const preset = getPreset(value);
  if (preset !== undefined) return { policy: preset, source: `preset:${value}` };
  if (!/[./\\]/.test(value)) {
    throw new CliError(`"${value}" is neither a preset (${PRESET_NAMES.join(', ')}) nor a policy file path.`);
  }
  return { policy: await readPolicyFile(value), source: value };
}

export async function readTermDatesFile(path: string): Promise<TermDates> {
  const parsed = parseTermDates(await readTextFile(path, 'term dates'), path);
  if (!parsed.ok) throw new CliError(`${path} is not a valid term dates file:\n${formatProblems(parsed.problems)}`);
  return parsed.value;
}

export function requireIsoDate(value: string | undefined, name: string): string {
  if (value === undefined) throw new CliError(`${name} is required (a date as YYYY-MM-DD).`);
  if (!isIsoDate(value)) throw new CliError(`${name} must be a real date written YYYY-MM-DD, not "${value}".`);
  return value;
}

export function requireInteger(value: string | undefined, name: string, range: { min: number; max: number }): number {
  if (value === undefined) throw new CliError(`${name} is required (a whole number).`);
  if (!/^-?\d+$/.test(value)) throw new CliError(`${name} must be a whole number, not "${value}".`);
  const number = Number(value);
  if (number < range.min || number > range.max) throw new CliError(`${name} must be between ${range.min} and ${range.max}, not ${number}.`);
  return number;
}

export function parseRegion(value: string | undefined): Region | undefined {
  if (value === undefined) return undefined;
  if (!(REGIONS as readonly string[]).includes(value)) {
    throw new CliError(`--region must be one of ${REGIONS.join(', ')}, not "${value}".`);
  }
  return value as Region;
}
