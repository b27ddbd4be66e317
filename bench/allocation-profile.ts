import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * Every allocation the sweep makes, garbage included (V8's sampling heap profiler keeping samples
 * of objects already collected): BENCH_SWEEP_ALLOC_PROFILE=<file> writes the profile (open it in
 * Chrome's DevTools) and prints the functions that allocated most.
 */
export async function allocationProfile(file: string | undefined): Promise<() => Promise<void>> {
  if (file === undefined) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    const bySite = new Map<string, number>();
    const walk = (node: ProfileNode) => {
      const { functionName, url, lineNumber } = node.callFrame;
      const site = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    const total = [...bySite.values()].reduce((sum, size) => sum + size, 0);
    console.error(`  allocated ${(total / 1024 / 1024).toFixed(0)} MB in all (sampled); most by:`);
    for (const [site, size] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.error(`    ${(size / 1024 / 1024).toFixed(1)} MB  ${site}`);
  };
}
