import { stringify } from 'csv-stringify/sync';
import PDFDocument from 'pdfkit';
import { pdfBytes } from './pdf-bytes.ts';
import { PDF_FONT, useTrellisFonts } from './pdf-fonts.ts';
import SVGtoPDF from 'svg-to-pdfkit';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Attachment } from '../conversations/engine/outgoing-message.ts';

import { type CountRow, type GovernorsReport, type StageRow, shownText } from './governors-report.ts';

/** The report's three files: the PDF for the governing body, the same as HTML, and the figures as CSV. */
export interface GovernorsReportFiles {
  pdf: Attachment;
  html: Attachment;
  csv: Attachment;
}

const COLOURS = { onTime: '#2f6f4f', late: '#d08c2c', notDone: '#a33b3b', theme: '#3b5f8a' };

export async function governorsReportFiles(report: GovernorsReport, slug: string): Promise<GovernorsReportFiles> {
  const charts = { stages: await stagesChart(report.byKind), themes: await themesChart(report.themes) };
  const base = `governors-report-${slug}-${report.academicYear}`;
  const fromCli = `trellis report governors --school ${slug} --year ${report.academicYear}`;
  return {
    pdf: { filename: `${base}.pdf`, contentType: 'application/pdf', content: (await renderPdf(report, charts)).toString('base64'), encoding: 'base64', fromCli },
    html: { filename: `${base}.html`, contentType: 'text/html; charset=utf-8', content: renderHtml(report, charts), fromCli },
    csv: { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', content: renderCsv(report), fromCli },
  };
}

/** Every figure as one CSV row: section, item, measure, value ("fewer than 5" and "not shown" as words). */
export function renderCsv(report: GovernorsReport): string {
  const rows: string[][] = [['section', 'item', 'measure', 'value']];
  rows.push(['staff', 'in the cycle', 'people', shownText(report.staff.inCycle)], ['staff', 'outside the cycle', 'people', shownText(report.staff.excluded)]);
  for (const [section, table] of [['stages by kind', report.byKind], ['stages by term', report.byTerm]] as const) {
    for (const row of table) rows.push([section, row.name, 'on time', shownText(row.onTime)], [section, row.name, 'late', shownText(row.late)], [section, row.name, 'not done', shownText(row.notDone)]);
  }
  for (const row of report.themes) rows.push(['development themes', row.name, 'people', shownText(row.count)]);
  for (const row of report.appeals) rows.push(['appeals', row.name, 'appeals', shownText(row.count)]);
  rows.push(['discrimination', 'representations on grounds of discrimination', 'recorded', 'not recorded by Trellis']);
  for (const row of report.observations.rows) rows.push(['observation cap', row.name, 'people', shownText(row.count)]);
  return stringify(rows);
}

/** Only figures that are shown are drawn; an axis steps in fives so no tick reads as a small count. */
async function stagesChart(rows: readonly StageRow[]): Promise<string | undefined> {
  const values = rows.flatMap((row) =>
    (['onTime', 'late', 'notDone'] as const).flatMap((key, order) => {
      const cell = row[key];
      return 'shown' in cell && cell.shown > 0 ? [{ stage: row.name, outcome: OUTCOME_NAMES[key], order, count: cell.shown }] : [];
    }),
  );
  if (values.length === 0) return undefined;
  return svgOf({
    $schema: VEGA_LITE,
    width: 250,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'stage', type: 'nominal', title: null, sort: rows.map((r) => r.name), axis: { labelLimit: 0 } },
      x: { field: 'count', type: 'quantitative', title: 'Stages', axis: { tickMinStep: 5, format: 'd' } },
      color: { field: 'outcome', type: 'nominal', title: null, scale: { domain: Object.values(OUTCOME_NAMES), range: [COLOURS.onTime, COLOURS.late, COLOURS.notDone] }, legend: { orient: 'bottom' } },
      order: { field: 'order', type: 'quantitative' },
    },
  });
}

async function themesChart(rows: readonly CountRow[]): Promise<string | undefined> {
  const values = rows.flatMap((row) => ('shown' in row.count && row.count.shown > 0 ? [{ theme: row.name, people: row.count.shown }] : []));
  if (values.length === 0) return undefined;
  return svgOf({
    $schema: VEGA_LITE,
    width: 160,
    data: { values },
    mark: { type: 'bar', color: COLOURS.theme },
    encoding: {
      y: { field: 'theme', type: 'nominal', title: null, sort: rows.map((r) => r.name), axis: { labelLimit: 0 } },
      x: { field: 'people', type: 'quantitative', title: 'Staff', axis: { tickMinStep: 5, format: 'd' } },
    },
  });
}

const VEGA_LITE = 'https://vega.github.io/schema/vega-lite/v6.json';

const OUTCOME_NAMES = { onTime: 'On time', late: 'Late', notDone: 'Not done' } as const;

async function svgOf(spec: TopLevelSpec): Promise<string> {
  const full: TopLevelSpec = { ...spec, config: { font: 'Helvetica', view: { stroke: null }, axis: { labelFontSize: 10, titleFontSize: 10 } } };
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "31 August 2027": a report for the record carries its year. */
function longDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${day} ${MONTHS[(month ?? 1) - 1]} ${year}`;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function stageTable(rows: readonly StageRow[], first: string): string {
  if (rows.length === 0) return '<p>No stages fell due.</p>';
  const body = rows.map((r) => `<tr><th scope="row">${escapeHtml(r.name)}</th><td>${shownText(r.onTime)}</td><td>${shownText(r.late)}</td><td>${shownText(r.notDone)}</td></tr>`).join('');
  return `<table><thead><tr><th>${first}</th><th>On time</th><th>Late</th><th>Not done</th></tr></thead><tbody>${body}</tbody></table>`;
}

function countTable(rows: readonly CountRow[], first: string, second: string): string {
  if (rows.length === 0) return '<p>None recorded.</p>';
  const body = rows.map((r) => `<tr><th scope="row">${escapeHtml(r.name)}</th><td>${shownText(r.count)}</td></tr>`).join('');
  return `<table><thead><tr><th>${first}</th><th>${second}</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function renderHtml(report: GovernorsReport, charts: { stages?: string | undefined; themes?: string | undefined }): string {
  const title = `Performance management: annual report to governors, ${report.yearLabel}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:Helvetica,Arial,sans-serif;max-width:52rem;margin:2rem auto;color:#1d2733;line-height:1.45}h1{font-size:1.5rem;color:#1f3a5a}h2{font-size:1.15rem;color:#1f3a5a;border-bottom:1px solid #c8d3df;padding-bottom:.2rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #c8d3df;padding:.3rem .6rem;text-align:left}thead th{background:#eef3f8}td{text-align:right}.note{color:#4a5866;font-size:.9rem}figure{margin:1rem 0}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p><strong>${escapeHtml(report.schoolName)}</strong> — figures as of ${escapeHtml(longDate(report.asOf))}. ${escapeHtml(report.requiredBy)} The report contains no information that would enable any individual to be identified.</p>
<p>Staff in the cycle: ${shownText(report.staff.inCycle)}. Staff the policy leaves outside the cycle this year: ${shownText(report.staff.excluded)}.</p>
<h2>How the policy operated</h2>
${charts.stages === undefined ? '' : `<figure>${charts.stages}</figure>`}
${stageTable(report.byKind, 'Stage')}
<h3>By term</h3>
${stageTable(report.byTerm, 'Term')}
<p class="note">${escapeHtml(report.notes[0] ?? '')}</p>
<h2>Training and development needs (CPD)</h2>
${charts.themes === undefined ? '' : `<figure>${charts.themes}</figure>`}
${countTable(report.themes, 'Theme', 'Staff')}
<p class="note">${escapeHtml(report.notes[1] ?? '')}</p>
<h2>Appeals and representations</h2>
${countTable(report.appeals, 'Appeals', 'Number')}
<p>${escapeHtml(report.discrimination)}</p>
<h2>Observation against the cap</h2>
<p>${escapeHtml(report.observations.cap)}</p>
${countTable(report.observations.rows, 'Staff', 'Number')}
<h2>About these figures</h2>
<p class="note">${escapeHtml(report.notes[2] ?? '')}</p>
</body></html>
`;
}

async function renderPdf(report: GovernorsReport, charts: { stages?: string | undefined; themes?: string | undefined }): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Performance management: annual report to governors, ${report.yearLabel}`, Author: report.schoolName } });
  const done = pdfBytes(doc);
  useTrellisFonts(doc);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const ink = '#1d2733';
  const accent = '#1f3a5a';
  const muted = '#4a5866';
  doc.rect(0, 0, doc.page.width, 8).fill(accent);
  doc.fillColor(accent).font(PDF_FONT.bold).fontSize(20).text('Performance management', left, 56);
  doc.fontSize(14).font(PDF_FONT.regular).text(`Annual report to governors, ${report.yearLabel}`);
  doc.moveDown(0.3).fontSize(11).fillColor(ink).font(PDF_FONT.bold).text(report.schoolName, { continued: true }).font(PDF_FONT.regular).text(` — figures as of ${longDate(report.asOf)}`);
  doc.moveDown(0.5).fontSize(9.5).fillColor(muted).text(`${report.requiredBy} The report contains no information that would enable any individual to be identified.`, { width });
  doc.moveDown(0.6).fontSize(10.5).fillColor(ink).text(`Staff in the cycle: ${shownText(report.staff.inCycle)}.   Staff outside the cycle this year: ${shownText(report.staff.excluded)}.`);

  const heading = (text: string) => {
    if (doc.y > doc.page.height - 160) doc.addPage();
    doc.moveDown(0.9).fillColor(accent).font(PDF_FONT.bold).fontSize(13).text(text, left);
    const y = doc.y + 2;
    doc.moveTo(left, y).lineTo(left + width, y).lineWidth(0.6).strokeColor('#c8d3df').stroke();
    doc.moveDown(0.5).font(PDF_FONT.regular).fontSize(10).fillColor(ink);
  };
  const table = (head: readonly string[], rows: readonly (readonly string[])[], firstWidth: number) => {
    const rest = (width - firstWidth) / Math.max(1, head.length - 1);
    const drawRow = (cells: readonly string[], bold: boolean, shade: boolean) => {
      if (doc.y > doc.page.height - 80) doc.addPage();
      const y = doc.y;
      if (shade) doc.rect(left, y - 2, width, 16).fill('#eef3f8');
      doc.fillColor(ink).font(bold ? PDF_FONT.bold : PDF_FONT.regular).fontSize(9.5);
      cells.forEach((cell, i) => {
        const x = i === 0 ? left + 4 : left + firstWidth + rest * (i - 1);
        doc.text(cell, x, y, { width: i === 0 ? firstWidth - 8 : rest - 6, align: i === 0 ? 'left' : 'right', lineBreak: false, ellipsis: true });
      });
      doc.x = left;
      doc.y = y + 16;
    };
    // Never a header alone at the foot of a page.
    if (doc.y > doc.page.height - 80 - 16 * Math.min(rows.length, 2)) doc.addPage();
    drawRow(head, true, true);
    for (const row of rows) drawRow(row, false, false);
    doc.moveTo(left, doc.y - 2).lineTo(left + width, doc.y - 2).lineWidth(0.4).strokeColor('#c8d3df').stroke();
    doc.moveDown(0.4);
  };
  const chart = (svg: string | undefined) => {
    if (svg === undefined) return;
    const size = /width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg);
    const [w, h] = [Number(size?.[1] ?? 400), Number(size?.[2] ?? 200)];
    const scale = Math.min(1, width / w);
    if (doc.y + h * scale > doc.page.height - 60) doc.addPage();
    SVGtoPDF(doc, svg, left, doc.y, { width: w * scale, height: h * scale, assumePt: true });
    doc.y += h * scale + 8;
    doc.x = left;
  };
  const note = (text: string | undefined) => {
    if (text !== undefined) doc.fontSize(8.5).fillColor(muted).text(text, left, doc.y, { width }).fillColor(ink).fontSize(10);
  };
  const stageRows = (rows: readonly StageRow[]) => rows.map((r) => [r.name, shownText(r.onTime), shownText(r.late), shownText(r.notDone)]);
  const countRows = (rows: readonly CountRow[]) => rows.map((r) => [r.name, shownText(r.count)]);

  heading('How the policy operated');
  chart(charts.stages);
  if (report.byKind.length === 0) doc.text('No stages fell due.');
  else table(['Stage', 'On time', 'Late', 'Not done'], stageRows(report.byKind), width * 0.46);
  if (report.byTerm.length > 0) table(['Term', 'On time', 'Late', 'Not done'], stageRows(report.byTerm), width * 0.46);
  note(report.notes[0]);

  heading('Training and development needs (CPD)');
  chart(charts.themes);
  if (report.themes.length === 0) doc.text('No development needs recorded in plans or reviews.');
  else table(['Theme', 'Staff'], countRows(report.themes), width * 0.7);
  note(report.notes[1]);

  heading('Appeals and representations');
  table(['Appeals', 'Number'], countRows(report.appeals), width * 0.7);
  doc.text(report.discrimination, left, doc.y, { width });

  heading('Observation against the cap');
  doc.text(report.observations.cap, left, doc.y, { width }).moveDown(0.4);
  table(['Staff', 'Number'], countRows(report.observations.rows), width * 0.7);

  heading('About these figures');
  note(report.notes[2]);
  doc.end();
  return done;
}
