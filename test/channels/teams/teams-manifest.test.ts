import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildAppPackage, fillManifest, packageEnvProblems } from '../../../src/channels/teams/app-package.ts';

const template = readFileSync(new URL('../../../manifests/teams/manifest.json', import.meta.url), 'utf8');
const env = { TEAMS_CLIENT_ID: '11111111-2222-4333-8444-555555555555', TRELLIS_DOMAIN: 'trellis.example.org' };

const require = createRequire(import.meta.url);

/**
 * Validates against the schema @microsoft/app-manifest carries, the way its
 * AppManifestUtils.validateAgainstSchema does (draft-04 Ajv with uri, email and regex formats).
 * That helper can't be imported here: version 1.1.2 requires fs-extra without declaring it.
 */
function schemaErrors(manifest: unknown, version: string): string[] {
  const schema = JSON.parse(readFileSync(require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`), 'utf8'));
  type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
  const Ajv = require('ajv-draft-04') as new (options: object) => { compile(schema: unknown): Validate };
  const addFormats = require('ajv-formats') as (ajv: unknown, formats: string[]) => void;
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema);
  return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/** Width, height and RGBA pixels of a PNG as our encoder writes it (8-bit RGBA, filter 0). */
function readPng(data: Uint8Array): { width: number; height: number; colourType: number; pixels: Buffer } {
  const buffer = Buffer.from(data);
  expect(buffer.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = buffer.readUInt32BE(16);
  const height = buffer.readUInt32BE(20);
  const colourType = buffer[25]!;
  const idats: Buffer[] = [];
  for (let at = 8; at < buffer.length; ) {
    const length = buffer.readUInt32BE(at);
    if (buffer.toString('ascii', at + 4, at + 8) === 'IDAT') idats.push(buffer.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return { width, height, colourType, pixels: inflateSync(Buffer.concat(idats)) };
}

describe('the Teams app package (issue 7)', () => {
  it('has a manifest that validates against Microsoft’s schema for its version, with the bot id filled in', () => {
    const manifest = fillManifest(template, env);
    expect(manifest.manifestVersion).toBe('1.25');
    expect(manifest).toMatchObject({ id: env.TEAMS_CLIENT_ID, bots: [{ botId: env.TEAMS_CLIENT_ID, scopes: ['personal'] }], validDomains: ['trellis.example.org'] });
    expect(schemaErrors(manifest, '1.25')).toEqual([]);
    // The check has teeth: a manifest missing its bot id fails it.
    expect(schemaErrors({ ...manifest, bots: [{ scopes: ['personal'] }] }, '1.25')).not.toEqual([]);
  });

  it('lists the growth words in the command list and validates without a domain too', () => {
    const manifest = fillManifest(template, { TEAMS_CLIENT_ID: env.TEAMS_CLIENT_ID });
    expect(manifest.validDomains).toEqual([]);
    const commands = (manifest.bots as { commandLists: { commands: { title: string }[] }[] }[])[0]!.commandLists[0]!.commands.map((c) => c.title);
    expect(commands).toEqual(expect.arrayContaining(['help', 'reflect', 'plan', 'log', 'status', 'summary']));
    expect(schemaErrors(manifest, '1.25')).toEqual([]);
  });

  it('refuses to build without a GUID bot id, in plain words', () => {
    expect(packageEnvProblems({})).toEqual(['TEAMS_CLIENT_ID must be the bot’s Microsoft Entra application (client) id, a GUID.']);
    expect(packageEnvProblems(env)).toEqual([]);
  });

  it('zips the manifest with a 192×192 colour icon and a 32×32 white-on-transparent outline icon', () => {
    const files = unzipSync(buildAppPackage(fillManifest(template, env)));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(JSON.parse(new TextDecoder().decode(files['manifest.json']!)).bots[0].botId).toBe(env.TEAMS_CLIENT_ID);
    const color = readPng(files['color.png']!);
    expect([color.width, color.height, color.colourType]).toEqual([192, 192, 6]);
    const outline = readPng(files['outline.png']!);
    expect([outline.width, outline.height, outline.colourType]).toEqual([32, 32, 6]);
    let white = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const at = y * (32 * 4 + 1) + 1 + x * 4;
        const [r, g, b, a] = outline.pixels.subarray(at, at + 4);
        if (a === 0) continue;
        expect([r, g, b, a]).toEqual([255, 255, 255, 255]);
        white++;
      }
    }
    expect(white).toBeGreaterThan(50);
    // The committed icons are the same drawings the package script writes.
    expect(Buffer.from(readFileSync(new URL('../../../manifests/teams/color.png', import.meta.url)))).toEqual(Buffer.from(files['color.png']!));
    expect(Buffer.from(readFileSync(new URL('../../../manifests/teams/outline.png', import.meta.url)))).toEqual(Buffer.from(files['outline.png']!));
  });
});
