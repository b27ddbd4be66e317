import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CSS = readFileSync(join(import.meta.dirname, '../../../src/channels/playground/static/style.css'), 'utf8');

/** A colour of the stylesheet: `var(--name)` from :root, or a #rrggbb written in a rule. */
function colour(value: string): string {
  const named = /^var\(--([\w-]+)\)$/.exec(value);
  if (named === null) return value;
  const found = new RegExp(`--${named[1]}:\\s*(#[0-9a-f]{6})`, 'i').exec(CSS);
  if (found === null) throw new Error(`--${named[1]} is not a #rrggbb colour in :root`);
  return found[1]!;
}

/** The property's value in the first rule whose selector list is exactly `selector`. */
function declared(selector: string, property: string): string {
  const rule = CSS.split('}').find((r) => r.split('{')[0]!.trim() === selector);
  const value = rule === undefined ? undefined : new RegExp(`(?:^|[;{\\s])${property}:\\s*([^;]+);`).exec(rule)?.[1];
  if (value === undefined) throw new Error(`no ${property} in "${selector}"`);
  const last = value.trim().split(/\s+/).at(-1)!;
  return colour(last);
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [dark, light] = [luminance(a), luminance(b)].sort((x, y) => x - y);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('the playground’s controls stand out (WCAG 1.4.11 non-text contrast, at least 3:1)', () => {
  it('button and input borders, the primary buttons, and the focus ring against the backgrounds they sit on', () => {
    const white = '#ffffff';
    const panel = declared('.people', 'background');
    const bar = declared('.bar', 'background');
    const control = declared('button', 'border');
    const inputBorder = declared('input, textarea, select', 'border');
    const accent = colour('var(--accent)');
    const focus = declared(':focus-visible', 'outline');
    const pairs: [string, string, string, number][] = [
      ['button border on white', control, white, 3],
      ['button border on the people panel', control, panel, 3],
      ['input border on white', inputBorder, white, 3],
      ['primary button on white', accent, white, 3],
      ['white text on a primary button', white, accent, 4.5],
      ['focus ring on white', focus, white, 3],
      ['focus ring on the top bar', focus, bar, 3],
    ];
    const low = pairs.filter(([, a, b, min]) => contrast(a, b) < min).map(([what, a, b, min]) => `${what}: ${a} on ${b} is ${contrast(a, b).toFixed(2)}:1, under ${min}:1`);
    expect(low).toEqual([]);
    // The check itself: a light grey border would fail.
    expect(contrast('#cccccc', white)).toBeLessThan(3);
  });
});
