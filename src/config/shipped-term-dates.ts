import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ShippedTermDates } from '../core/admin/admin-ports.ts';

/** `config/terms` at the root of the package, from `src/config` or the build's `dist/config` alike. */
export const SHIPPED_TERMS_DIR = fileURLToPath(new URL('../../config/terms/', import.meta.url));

/** The YAML and JSON term-date files in a folder (the shipped ones by default); only a name listed there is read. */
export class ShippedTermDateFiles implements ShippedTermDates {
  readonly #dir: string;

  constructor(dir: string = SHIPPED_TERMS_DIR) {
    this.#dir = dir;
  }

  async names(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.#dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries.filter((name) => /\.(ya?ml|json)$/.test(name)).sort();
  }

  async read(name: string): Promise<string | undefined> {
    if (!(await this.names()).includes(name)) return undefined;
    return readFile(join(this.#dir, name), 'utf8');
  }
}
