// Checks that every subpath of the built package loads both as ESM (import) and as CJS (require),
// through the package's own `exports` map (self-reference by name).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const subpaths = ['bond-rlhf', 'bond-rlhf/math', 'bond-rlhf/operators', 'bond-rlhf/pipelines', 'bond-rlhf/testing'];
let failed = false;
for (const id of subpaths) {
  for (const [kind, load] of [['esm', (s) => import(s)], ['cjs', async (s) => require(s)]]) {
    try {
      const mod = await load(id);
      console.log(`${kind.padEnd(3)} ${id}: ${Object.keys(mod).length} exports`);
    } catch (err) {
      failed = true;
      console.error(`${kind.padEnd(3)} ${id}: failed to load: ${err instanceof Error ? err.message : err}`);
    }
  }
}
process.exit(failed ? 1 : 0);
