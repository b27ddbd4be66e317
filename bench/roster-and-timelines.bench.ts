import { performance } from 'node:perf_hooks';
import { londonDateOf } from '../src/core/calendar/london-time.ts';
import { importRoster } from '../src/core/roster/import-roster.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { setSchool } from '../src/core/schools/set-school.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { planObligations } from '../src/core/timeline/plan-obligations.ts';
import { parseTermDates } from '../src/core/calendar/term-dates.ts';
import { readFileSync } from 'node:fs';
import { ms, peakMemoryMiB, summarise, withBenchServices } from './bench-support.ts';

/**
 * Foundation issue figures: importing a 5,000-row roster into PostgreSQL (first load and an
 * unchanged re-import), and computing 5,000 people's timelines.
 */
const STAFF = Number(process.env.BENCH_STAFF ?? 5000);
const clock = fixedClock('2026-09-07T09:00:00Z');
const terms = parseTermDates(readFileSync(new URL('../config/terms/england-2026-28.yaml', import.meta.url), 'utf8'), 'england-2026-28.yaml');
if (!terms.ok) throw new Error('bad bench terms');

function rosterCsv(count: number): string {
  const roles = ['teacher', 'teacher', 'teacher', 'teaching-assistant', 'support', 'leader'];
  const flagSets = ['', '', 'tlr', 'ups', 'part-time', 'ect', 'upr;tlr'];
  const lines = ['email,full_name,role,line_manager_email,department,coach_email,start_date,contract,contract_end,flags', 'head@bench.example,Head Teacher,headteacher,,,,2010-09-01,permanent,,'];
  for (let i = 1; i < count; i++) {
    const manager = i <= 50 ? 'head@bench.example' : `staff${1 + (i % 50)}@bench.example`;
    const start = i % 23 === 0 ? '2027-01-11' : '2018-09-01';
    lines.push(`staff${i}@bench.example,Staff ${i},${roles[i % roles.length]},${manager},Dept ${i % 12},,${start},permanent,,${flagSets[i % flagSets.length]}`);
  }
  return `${lines.join('\n')}\n`;
}

const csv = rosterCsv(STAFF);
await withBenchServices(clock, async (services) => {
  const { school } = await setSchool(services, { slug: 'bench', policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: terms.value });
  let started = performance.now();
  const first = await importRoster(services, 'bench', csv);
  const firstMs = performance.now() - started;
  started = performance.now();
  const again = await importRoster(services, 'bench', csv);
  const againMs = performance.now() - started;
  if (!first.ok || !again.ok) throw new Error('bench roster failed to load');
  console.log(`roster import, ${STAFF} rows (${(csv.length / 1024).toFixed(0)} KiB): first load ${ms(firstMs)} (${first.changes.created} people, ${first.obligations.created} obligations), unchanged re-import ${ms(againMs)} (${again.changes.unchanged} unchanged)`);

  const staff = await services.roster.findStaff(school.id, londonDateOf(clock.now()));
  const samples: number[] = [];
  let obligations = 0;
  for (let run = 0; run < 20; run++) {
    started = performance.now();
    const cycles = planObligations(school, staff, 2026);
    samples.push(performance.now() - started);
    obligations = cycles.reduce((sum, cycle) => sum + cycle.obligations.length, 0);
  }
  const s = summarise(samples);
  console.log(`timelines for ${staff.length} people (${obligations} obligations), 20 runs: median ${ms(s.median)}, p99 ${ms(s.p99)}, per person ${(s.median / staff.length * 1000).toFixed(1)} µs`);
  console.log(`peak RSS ${peakMemoryMiB().toFixed(0)} MiB; bench date ${londonDateOf(clock.now())}`);
});
