import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of the installed `bond-rlhf` package (the one holding its `package.json`), found by
 * walking up from this module: the same answer from the TypeScript sources, the ESM build and the CJS
 * build (whose chunks sit at different depths). The shipped assets and configs are found from here.
 *
 * @example
 * join(packageRoot(), 'pipelines/assets/prompts.json'); // the embedded task's prompts
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isBondPackage(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`packageRoot: expected a bond-rlhf package.json above ${fileURLToPath(import.meta.url)}, got none`);
    dir = parent;
  }
}

function isBondPackage(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'bond-rlhf';
  } catch {
    return false;
  }
}
