import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type PDFDocument from 'pdfkit';

/**
 * The fonts every PDF Trellis writes is set in: DejaVu Sans (the `dejavu-fonts-ttf` package;
 * Bitstream Vera licence, DejaVu's changes public domain), whose one face covers Latin with every
 * European accent (Polish, Czech, Turkish…), Greek, Cyrillic, Arabic, Hebrew, Armenian and
 * Georgian. pdfkit's built-in Helvetica covers only Windows-1252, so "Łucja" or "Αθηνά" in a name
 * came out as wrong glyphs. pdfkit embeds the subset of glyphs a document uses with a ToUnicode
 * map, so the text stays extractable and searchable. Chinese, Japanese and Korean are not covered.
 */
export const PDF_FONT = { regular: 'Trellis-Sans', bold: 'Trellis-Sans-Bold', mono: 'Trellis-Mono' } as const;

const FILES: Record<keyof typeof PDF_FONT, string> = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono.ttf' };

let loaded: Record<keyof typeof PDF_FONT, Buffer> | undefined;

/** The font files, read once per process from the installed package. */
function fontFiles(): Record<keyof typeof PDF_FONT, Buffer> {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    const read = (file: string) => readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
    loaded = { regular: read(FILES.regular), bold: read(FILES.bold), mono: read(FILES.mono) };
  }
  return loaded;
}

/** Registers the fonts on a new document under `PDF_FONT`'s names and selects the regular face. */
export function useTrellisFonts(doc: InstanceType<typeof PDFDocument>): void {
  const files = fontFiles();
  for (const face of Object.keys(PDF_FONT) as (keyof typeof PDF_FONT)[]) doc.registerFont(PDF_FONT[face], files[face]);
  doc.font(PDF_FONT.regular);
}
