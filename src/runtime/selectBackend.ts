import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { BondInputError } from '../core/index.js';
import { registerGradients } from './registerGradients.js';

/** The TensorFlow.js backends bond-rlhf knows, fastest first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
/** A backend name accepted by {@link selectBackend}, `BOND_BACKEND` and `--backend`. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The npm packages that provide each backend, in the order they are tried. */
const PACKAGES: Record<BackendName, readonly string[]> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  cpu: ['@tensorflow/tfjs-backend-cpu'],
};

/**
 * Chooses and initialises the TensorFlow.js backend, then registers our gradients; returns the name in use.
 *
 * - With no preference: `tensorflow` (native libtensorflow via `@tensorflow/tfjs-node-gpu`, then
 *   `@tensorflow/tfjs-node`, optional peers loaded only if installed and loadable), else `wasm`
 *   (SIMD binary shipped inside `@tensorflow/tfjs-backend-wasm`), else `cpu` (plain JavaScript).
 * - `preference`, or else `process.env.BOND_BACKEND`, forces one: the argument wins so that a CLI flag
 *   overrides the environment. A forced backend that cannot load is a {@link BondInputError} naming the
 *   npm package to install; an unknown name is an error listing the valid ones.
 *
 * Must be awaited before any tensor is made: TensorFlow.js initialises backends asynchronously.
 *
 * @example
 * await selectBackend();          // 'wasm' on a machine without tfjs-node
 * await selectBackend('cpu');     // 'cpu'
 * await selectBackend('tensorflow'); // throws: … npm install @tensorflow/tfjs-node …
 */
export async function selectBackend(preference?: string): Promise<BackendName> {
  registerGradients();
  const forced = preference ?? process.env['BOND_BACKEND'];
  if (forced === undefined || forced === '') {
    for (const name of BACKEND_NAMES) {
      if ((await tryBackend(name)) === undefined) return name;
    }
    throw new BondInputError(`selectBackend: expected at least one backend to initialise, got none of ${BACKEND_NAMES.join(', ')}`);
  }
  const source = preference !== undefined ? 'selectBackend' : 'BOND_BACKEND';
  if (!isBackendName(forced)) {
    throw new BondInputError(`${source}: expected one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(forced)}`);
  }
  const failure = await tryBackend(forced);
  if (failure !== undefined) {
    const install = PACKAGES[forced].map((p) => `npm install ${p}`).join('` or `');
    throw new BondInputError(`${source}: expected the "${forced}" backend to initialise, got ${failure}; install it with \`${install}\``);
  }
  return forced;
}

function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** Loads and activates one backend; returns why it failed, or undefined on success. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  if (name === 'tensorflow') {
    const failures: string[] = [];
    for (const pkg of PACKAGES.tensorflow) {
      try {
        // A non-literal specifier: the package is an optional peer that bundlers must leave alone.
        await import(pkg);
        break;
      } catch (error) {
        failures.push(`${pkg}: ${firstLine(error)}`);
      }
    }
    if (failures.length === PACKAGES.tensorflow.length) return failures.join('; ');
  }
  try {
    if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') returned false`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return firstLine(error);
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
