import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BondInputError } from '../../core/index.js';
import { packageRoot } from '../../../pipelines/tasks/index.js';
import { decodeTrainConfig, type TrainConfig, type TrainConfigOverrides } from './trainConfig.js';

/**
 * The config `bond train` uses without an argument: J-BOND on the embedded sentiment task,
 * `pipelines/configs/jbond-sentiment.json` inside the installed package.
 *
 * @example
 * readTrainConfig(defaultConfigPath()).pipeline; // 'jbond'
 */
export function defaultConfigPath(): string {
  return join(packageRoot(), 'pipelines', 'configs', 'jbond-sentiment.json');
}

/**
 * Reads and decodes a training config file ({@link decodeTrainConfig}); relative task paths in it are
 * relative to the file. A missing file, invalid JSON or any bad field is a `BondInputError` naming the
 * file (and every bad field).
 *
 * @example
 * const config = readTrainConfig('my-config.json', { steps: 20 });
 */
export function readTrainConfig(path: string, overrides: TrainConfigOverrides = {}): TrainConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BondInputError(`${path}: expected a readable config file, got ${String((error as { code?: unknown }).code ?? error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BondInputError(`${path}: expected JSON, got ${error instanceof Error ? error.message : String(error)}`);
  }
  return decodeTrainConfig(json, { where: path, baseDir: dirname(resolve(path)) }, overrides);
}
