import { crc32, deflateSync } from 'node:zlib';
import { zipSync } from 'fflate';

/** What the package needs from the environment: the Entra app (bot) id, and optionally the app id and domain. */
export interface PackageEnv {
  TEAMS_CLIENT_ID?: string | undefined;
  /** The Teams app's own id; defaults to the bot's client id (one GUID to keep track of). */
  TEAMS_APP_ID?: string | undefined;
  /** The host Trellis is served from (trellis.your-school.example), listed in validDomains. */
  TRELLIS_DOMAIN?: string | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Problems with the environment, in plain words; [] when a package can be built. */
export function packageEnvProblems(env: PackageEnv): string[] {
  const problems: string[] = [];
  if (!env.TEAMS_CLIENT_ID || !GUID.test(env.TEAMS_CLIENT_ID)) problems.push('TEAMS_CLIENT_ID must be the bot’s Microsoft Entra application (client) id, a GUID.');
  if (env.TEAMS_APP_ID && !GUID.test(env.TEAMS_APP_ID)) problems.push('TEAMS_APP_ID, when set, must be a GUID.');
  return problems;
}

/** The manifest template with the ids filled in; placeholders left unset (a domain) are dropped. */
export function fillManifest(template: string, env: PackageEnv): Record<string, unknown> {
  const values: Record<string, string | undefined> = { TEAMS_CLIENT_ID: env.TEAMS_CLIENT_ID, TEAMS_APP_ID: env.TEAMS_APP_ID || env.TEAMS_CLIENT_ID, TRELLIS_DOMAIN: env.TRELLIS_DOMAIN };
  const manifest = JSON.parse(template) as Record<string, unknown>;
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/\$\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? `\${{${name}}}`);
    if (Array.isArray(value)) return value.map(fill).filter((v) => !(typeof v === 'string' && v.includes('${{')));
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill(manifest) as Record<string, unknown>;
}

/** The zip a Teams admin uploads: manifest.json and the two icons at its root. */
export function buildAppPackage(manifest: Record<string, unknown>): Uint8Array {
  return zipSync({
    'manifest.json': new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
    'color.png': colorIcon(),
    'outline.png': outlineIcon(),
  });
}

type Pixel = [number, number, number, number];

/** Is (x, y) on the lattice: two diagonal families of bars, the trellis the app is named after. */
function onLattice(x: number, y: number, size: number, spacing: number, width: number): boolean {
  const a = (((x + y) % spacing) + spacing) % spacing;
  const b = (((x - y) % spacing) + spacing) % spacing;
  const margin = Math.round(size * 0.2);
  const inside = x >= margin && x < size - margin && y >= margin && y < size - margin;
  return inside && (a < width || b < width);
}

/** 192×192 full-colour icon: white lattice on the accent green (Teams' required colour icon size). */
export function colorIcon(): Uint8Array {
  return encodePng(192, 192, (x, y) => (onLattice(x, y, 192, 28, 5) ? [255, 255, 255, 255] : [0x2e, 0x7d, 0x32, 255]));
}

/** 32×32 outline icon: white on transparent, nothing else (Teams' rule for outline icons). */
export function outlineIcon(): Uint8Array {
  return encodePng(32, 32, (x, y) => {
    const border = x === 3 || x === 28 || y === 3 || y === 28;
    const frame = x >= 3 && x <= 28 && y >= 3 && y <= 28;
    return (frame && border) || onLattice(x, y, 32, 8, 1) ? [255, 255, 255, 255] : [0, 0, 0, 0];
  });
}

/** A minimal PNG encoder (8-bit RGBA, no filtering): enough for two generated icons, no image library needed. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Pixel): Uint8Array {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    raw[row] = 0; // filter type: none
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, no filter, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([length, typed, crc]);
}
