import type { PersonRecords } from './records-ports.ts';
import { type RecordField, recordsDocument } from './records-document.ts';

/**
 * A self-contained HTML document (no scripts, no external files) of everything in `records`: one
 * heading per kind of record, each row as a list of its fields, dates written out, people named.
 * Every stored value is escaped, so a diary line containing markup is shown, never run.
 */
export function renderRecordsHtml(records: PersonRecords, generatedAt: Date): string {
  const doc = recordsDocument(records, generatedAt);
  const sections = doc.sections.map(({ table, title, about, rows }) => {
    const body = rows.length === 0 ? '<p class="none">Nothing held.</p>' : rows.map(renderRow).join('\n');
    return `<section id="${escapeHtml(table)}">\n<h2>${escapeHtml(title)} <small>(${rows.length})</small></h2>\n<p class="about">${escapeHtml(about)}</p>\n${body}\n</section>`;
  });
  const contents = doc.sections.map(({ table, title, rows }) => `<li><a href="#${escapeHtml(table)}">${escapeHtml(title)}</a> (${rows.length})</li>`);
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>${escapeHtml(doc.title)} — ${escapeHtml(records.subject.fullName)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
.about, .none, small { color: #555; } dl { display: grid; grid-template-columns: 14rem 1fr; gap: 0.2rem 1rem; border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.6rem; }
dt { font-weight: 600; } dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; } pre { margin: 0; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>${escapeHtml(doc.title)}</h1>
<p>${escapeHtml(doc.subjectLine)}</p>
<p>${escapeHtml(doc.introduction)}</p>
<ul>
${contents.join('\n')}
</ul>
${sections.join('\n')}
</body>
</html>
`;
}

function renderRow(fields: readonly RecordField[]): string {
  const shown = fields.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${f.structured ? `<pre>${escapeHtml(f.text)}</pre>` : escapeHtml(f.text)}</dd>`);
  return `<dl>\n${shown.join('\n')}\n</dl>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
