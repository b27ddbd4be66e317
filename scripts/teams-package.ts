/**
 * `npm run teams:package`: builds dist/trellis-teams.zip, the app package a Teams admin uploads
 * (Teams admin centre → Manage apps → Upload, or Developer Portal → Import). The bot id comes
 * from TEAMS_CLIENT_ID; the icons are drawn here, so there is nothing to keep in sync by hand.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAppPackage, colorIcon, fillManifest, outlineIcon, packageEnvProblems } from '../src/channels/teams/app-package.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const problems = packageEnvProblems(process.env);
if (problems.length > 0) {
  process.stderr.write(`Can't build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exitCode = 1;
} else {
  const manifest = fillManifest(readFileSync(join(root, 'manifests/teams/manifest.json'), 'utf8'), process.env);
  const out = join(root, 'dist/trellis-teams.zip');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, buildAppPackage(manifest));
  // The committed icons are these same drawings, for people who build the package by hand.
  writeFileSync(join(root, 'manifests/teams/color.png'), colorIcon());
  writeFileSync(join(root, 'manifests/teams/outline.png'), outlineIcon());
  process.stdout.write(`Wrote ${out} (manifest ${String(manifest.manifestVersion)}, bot ${process.env.TEAMS_CLIENT_ID}).\n`);
}
