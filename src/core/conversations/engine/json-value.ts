/** What dialog answers are made of: they are stored as JSON in the conversation row. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Values = Record<string, JsonValue>;

/** The text answer to a step, or '' when it was skipped or never asked. */
export function textOf(values: Values, name: string): string {
  const value = values[name];
  return typeof value === 'string' ? value : '';
}

/** The answer to a step as a list of strings (date lists, job-description points). */
export function listOf(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Undefined for an empty answer, so optional columns stay NULL rather than ''. */
export function optionalText(values: Values, name: string): string | undefined {
  const text = textOf(values, name);
  return text === '' ? undefined : text;
}
