/** One row of the lost/duplicated table each fault suite prints. */
export interface FaultRow {
  scenario: string;
  digests: number;
  delivered: number;
  lost: number;
  duplicated: number;
  note?: string;
}

/** Prints the rows as a small Markdown table, so the figures can be copied into a report. */
export function printFaultTable(title: string, rows: readonly FaultRow[]): void {
  const lines = [
    `\n${title}`,
    '| scenario | digests due | delivered | lost | duplicated | note |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.scenario} | ${row.digests} | ${row.delivered} | ${row.lost} | ${row.duplicated} | ${row.note ?? ''} |`),
  ];
  console.log(lines.join('\n'));
}
