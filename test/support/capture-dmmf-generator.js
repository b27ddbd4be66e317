#!/usr/bin/env node
// A minimal Prisma generator that writes the full DMMF (models, fields, native types, defaults,
// indexes, referential actions) as JSON to the path in TRELLIS_DMMF_OUT. The migration drift test
// compares it with the catalog of a migrated database, because `prisma migrate diff` needs the
// native schema engine that these machines cannot download.
//
// Prisma talks to generators in JSON-RPC: requests arrive on stdin one per line, answers go back
// on stderr one per line.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const reply = (id, result) => process.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.method === 'getManifest') {
    reply(message.id, { manifest: { prettyName: 'DMMF capture', requiresEngines: [] } });
  } else if (message.method === 'generate') {
    const out = process.env.TRELLIS_DMMF_OUT;
    if (!out) throw new Error('TRELLIS_DMMF_OUT is not set');
    writeFileSync(out, JSON.stringify(message.params.dmmf.datamodel, null, 2));
    reply(message.id, null);
  }
});
