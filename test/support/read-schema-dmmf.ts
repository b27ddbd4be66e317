import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of Prisma's DMMF datamodel the drift check reads. */
export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: { name: string }[];
}

export interface DmmfDatamodel {
  models: DmmfModel[];
  indexes: DmmfIndex[];
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const captureGenerator = fileURLToPath(new URL('./capture-dmmf-generator.js', import.meta.url));

/**
 * Prisma's own parsed view of prisma/schema.prisma (the DMMF), obtained by running `prisma
 * generate` on a copy of the schema whose generator is swapped for one that just saves the DMMF.
 * This is the schema as Prisma understands it, with no parsing of our own.
 */
export function readSchemaDmmf(schemaPath = join(repoRoot, 'prisma', 'schema.prisma')): DmmfDatamodel {
  const work = mkdtempSync(join(tmpdir(), 'trellis-dmmf-'));
  try {
    const schema = readFileSync(schemaPath, 'utf8').replace(
      /generator\s+client\s*\{[^}]*\}/,
      `generator dmmf {\n  provider = ${JSON.stringify(`node ${captureGenerator}`)}\n  output   = ${JSON.stringify(join(work, 'out'))}\n}`,
    );
    const copy = join(work, 'schema.prisma');
    writeFileSync(copy, schema);
    const out = join(work, 'dmmf.json');
    const require = createRequire(join(repoRoot, 'package.json'));
    const cli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
    const result = spawnSync(process.execPath, [cli, 'generate', '--schema', copy], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: {
        ...process.env,
        // See scripts/generate-prisma-client.js: generate needs no engine, only a path to one.
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
        CHECKPOINT_DISABLE: '1',
        TRELLIS_DMMF_OUT: out,
      },
    });
    if (result.status !== 0) throw new Error(`prisma generate (DMMF capture) failed:\n${result.stdout}\n${result.stderr}`);
    return JSON.parse(readFileSync(out, 'utf8')) as DmmfDatamodel;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
