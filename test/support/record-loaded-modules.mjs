// Loaded with `node --import` before a command runs: records the URL of every module the process
// resolves (imports and requires alike) and writes them, one a line, to LOADED_MODULES_OUT at exit.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    loaded.add(resolved.url);
    return resolved;
  },
});
process.on('exit', () => {
  if (process.env.LOADED_MODULES_OUT) writeFileSync(process.env.LOADED_MODULES_OUT, [...loaded].join('\n'));
});
