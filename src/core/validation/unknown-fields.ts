import { z } from 'zod';

/**
 * The field names a schema accepts at `path` of `input`, or undefined when the path does not lead
 * to a mapping the schema describes. Unions are narrowed by their discriminator, so the names
 * offered for `obligations[0].due` are those of its `from`, and records with a fixed set of keys
 * (the roles of `standards.byRole`) offer those keys.
 */
export function knownFieldsAt(schema: z.ZodType, input: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let current: z.ZodType | undefined = schema;
  let value: unknown = input;
  for (let i = 0; current !== undefined; i++) {
    current = unwrap(current, value);
    if (i === path.length) return fieldsOf(current);
    const step = path[i]!;
    if (current instanceof z.ZodObject && typeof step === 'string') current = (current.shape as Record<string, z.ZodType>)[step];
    else if (current instanceof z.ZodArray && typeof step === 'number') current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return undefined;
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[step] : undefined;
  }
  return undefined;
}

/** Strips optional and default wrappers, and picks the member of a discriminated union that `value` names. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodDiscriminatedUnion) {
      const key = current.def.discriminator;
      const tag = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      const options = current.options as z.ZodType[];
      const match = options.find((option) => option instanceof z.ZodObject && (option.shape as Record<string, z.ZodType>)[key]?.safeParse(tag).success);
      if (match === undefined) return undefined;
      current = match;
    } else return current;
  }
}

function fieldsOf(schema: z.ZodType | undefined): string[] | undefined {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodRecord && schema.keyType instanceof z.ZodEnum) return schema.keyType.options.map(String);
  return undefined;
}

/** The known name an unknown one was most likely meant to be: a different case, a shortening, or a typo or two away. */
export function closestName(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const other = name.toLowerCase();
    // The same name in another case, or one that starts the other ("max" for "maximum").
    const distance = other === lower ? 0 : lower.startsWith(other) || other.startsWith(lower) ? 1 : editDistance(lower, other);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  const allowed = Math.max(2, Math.floor(unknown.length / 3));
  return best !== undefined && best.distance <= allowed ? best.name : undefined;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * Every field path a schema describes, e.g. `checkIns.typicalMinutes`, `obligations[].due.from`:
 * the fields of every member of a union, and array elements as `[]`.
 */
export function schemaFieldPaths(schema: z.ZodType, prefix = ''): string[] {
  const out: string[] = [];
  const visit = (node: z.ZodType, at: string): void => {
    let current = node;
    while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    if (current instanceof z.ZodDiscriminatedUnion || current instanceof z.ZodUnion) for (const option of current.options as z.ZodType[]) visit(option, at);
    else if (current instanceof z.ZodArray) visit(current.element as z.ZodType, `${at}[]`);
    else if (current instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(current.shape as Record<string, z.ZodType>)) {
        const path = at === '' ? key : `${at}.${key}`;
        if (!out.includes(path)) out.push(path);
        visit(child, path);
      }
    }
  };
  visit(schema, prefix);
  return out;
}
