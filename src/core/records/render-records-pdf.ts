import PDFDocument from 'pdfkit';
import { pdfBytes } from '../reports/pdf-bytes.ts';
import { PDF_FONT, useTrellisFonts } from '../reports/pdf-fonts.ts';
import type { PersonRecords } from './records-ports.ts';
import { recordsDocument } from './records-document.ts';

const INK = '#1d1d1f';
const MUTED = '#555555';
const RULE = '#cccccc';

/**
 * The readable export as a PDF (pdfkit): the same title, introduction and sections as the HTML
 * document (`recordsDocument`), one heading per kind of record and each row as its fields, so a
 * person can keep or print it. Text is drawn as text, never run, so nothing typed can act in it.
 */
export function renderRecordsPdf(records: PersonRecords, generatedAt: Date): Promise<Buffer> {
  const content = recordsDocument(records, generatedAt);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${content.title} — ${records.subject.fullName}`, Author: 'Trellis' } });
  const done = pdfBytes(doc);
  useTrellisFonts(doc);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const labelWidth = 150;
  const roomFor = (height: number) => {
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
  };

  doc.fillColor(INK).font(PDF_FONT.bold).fontSize(18).text(content.title, left, doc.y, { width });
  doc.moveDown(0.2).font(PDF_FONT.regular).fontSize(10.5).text(content.subjectLine, { width });
  doc.moveDown(0.5).fontSize(9.5).fillColor(MUTED).text(content.introduction, { width });
  doc.moveDown(0.5).fillColor(INK);
  for (const section of content.sections) doc.fontSize(9.5).text(`${section.title} (${section.rows.length})`, left, doc.y, { width });

  for (const section of content.sections) {
    roomFor(80);
    doc.moveDown(1).font(PDF_FONT.bold).fontSize(13).fillColor(INK).text(`${section.title} (${section.rows.length})`, left, doc.y, { width });
    const y = doc.y + 2;
    doc.moveTo(left, y).lineTo(left + width, y).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.moveDown(0.4).font(PDF_FONT.regular).fontSize(9).fillColor(MUTED).text(section.about, left, doc.y, { width });
    doc.moveDown(0.3).fillColor(INK);
    if (section.rows.length === 0) doc.fontSize(9.5).fillColor(MUTED).text('Nothing held.', left, doc.y, { width }).fillColor(INK);
    for (const fields of section.rows) {
      roomFor(40);
      doc.moveDown(0.3);
      for (const field of fields) {
        const valueFont = field.structured ? PDF_FONT.mono : PDF_FONT.regular;
        doc.font(valueFont).fontSize(field.structured ? 8 : 9.5);
        const height = Math.max(12, doc.heightOfString(field.text, { width: width - labelWidth }));
        roomFor(Math.min(height, 200));
        const top = doc.y;
        doc.font(PDF_FONT.bold).fontSize(9.5).text(field.label, left, top, { width: labelWidth - 8 });
        const afterLabel = doc.y;
        doc.font(valueFont).fontSize(field.structured ? 8 : 9.5).text(field.text, left + labelWidth, top, { width: width - labelWidth });
        doc.y = Math.max(doc.y, afterLabel);
      }
      const end = doc.y + 3;
      doc.moveTo(left, end).lineTo(left + width, end).lineWidth(0.3).strokeColor(RULE).stroke();
      doc.y = end + 2;
    }
  }
  doc.end();
  return done;
}
