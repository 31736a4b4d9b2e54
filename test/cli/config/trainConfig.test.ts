import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BondInputError } from '../../../src/core/index.js';
import { decodeTrainConfig, evalDefaults, runDefaults, trainConfigJson } from '../../../src/cli/config/trainConfig.js';
import { defaultConfigPath, readTrainConfig } from '../../../src/cli/config/readTrainConfig.js';
import { main } from '../../../src/cli/main.js';
import { PIPELINES } from '../../../src/cli/pipelineRegistry.js';
import { jbondDefaults } from '../../../pipelines/index.js';
import { recordingIo } from '../helpers/tinyTask.js';

const source = { where: 'c.json', baseDir: '/configs' };

/** The problems a decode reports, or [] if it succeeds. */
function problems(json: unknown): readonly string[] {
  try {
    decodeTrainConfig(json, source);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(BondInputError);
    return (error as BondInputError).problems;
  }
}

describe('decodeTrainConfig', () => {
  it('fills every field a file leaves out with the defaults, J-BOND first', () => {
    const config = decodeTrainConfig({}, source);
    expect(config.pipeline).toBe('jbond');
    expect(config.run).toEqual(runDefaults);
    expect(config.eval).toEqual(evalDefaults);
    expect(config.pipelineConfig).toEqual(jbondDefaults);
    expect(config.task.reward).toBe('sentiment');
  });

  it('lists every bad field of every section at once, each with its path, expected type and received value', () => {
    const found = problems({
      pipeline: 'ppo',
      backend: 'gpu',
      task: { evalPrompts: -1 },
      run: { steps: 0, stpes: 3 },
      eval: { ns: [1, 'two'] },
      jbond: { beta: 2, batchSize: 1.5, gama: 0.1 },
      reinforce: { betaRl: -1 },
      extra: true,
    });
    const expected = [
      'c.json: extra: expected one of pipeline, backend, task, run, eval, jbond, bond, iterative-bond, reinforce, got an unknown field',
      'c.json: pipeline: expected PipelineName, got "ppo"',
      'c.json: backend: expected BackendName, got "gpu"',
      'c.json: task: evalPrompts: expected NonNegativeInt, got -1',
      'c.json: run: stpes: expected one of steps, seed, checkpointEvery, keepCheckpoints, samplesEvery, samplesPerLog, logEvery, got an unknown field',
      'c.json: run: steps: expected PositiveInt, got 0',
      'c.json: eval: ns.1: expected PositiveInt, got "two"',
      `c.json: jbond: gama: expected one of ${Object.keys(jbondDefaults).join(', ')}, got an unknown field`,
      'c.json: jbond: batchSize: expected PositiveInt, got 1.5',
      'c.json: jbond: beta: expected UnitInterval, got 2',
      'c.json: reinforce: betaRl: expected NonNegative, got -1',
    ];
    expect([...found].sort()).toEqual([...expected].sort());
  });

  it('rejects a file that is not a JSON object, and sections that are not objects', () => {
    expect(problems([1, 2])).toEqual(['c.json: expected a JSON object, got [1,2]']);
    expect(problems({ run: 5 })).toEqual(['c.json: run: expected an object of fields, got 5']);
  });

  it('applies command-line overrides over the file', () => {
    const config = decodeTrainConfig({ run: { steps: 5, seed: 2 } }, source, { steps: 9, seed: 4, pipeline: 'reinforce', backend: 'cpu' });
    expect(config.run.steps).toBe(9);
    expect(config.run.seed).toBe(4);
    expect(config.pipeline).toBe('reinforce');
    expect(config.pipelineConfig).toEqual(PIPELINES.reinforce.defaults);
    expect(config.backend).toBe('cpu');
  });

  it("resolves the task's relative paths against the config file's directory, and keeps absolute ones", () => {
    const config = decodeTrainConfig({ task: { reference: 'ref', prompts: '/abs/p.json', reward: 'r.mjs' } }, source);
    expect(config.task).toMatchObject({ reference: '/configs/ref', prompts: '/abs/p.json', reward: '/configs/r.mjs' });
  });

  it('round-trips through the resolved config.json of a run', () => {
    const config = decodeTrainConfig({ pipeline: 'bond', backend: 'wasm', bond: { n: 4 }, run: { steps: 7 } }, source);
    expect(decodeTrainConfig(JSON.parse(JSON.stringify(trainConfigJson(config))), { where: 'config.json', baseDir: '/elsewhere' })).toEqual(config);
  });

  it('the shipped default config decodes', () => {
    const config = readTrainConfig(defaultConfigPath());
    expect(config.pipeline).toBe('jbond');
  });
});

describe('bond train with a bad config file', () => {
  it('exits 2 and prints every bad field, before training anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bond-config-'));
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ run: { steps: -3 }, jbond: { eta: 'fast', learningRate: 0 } }));
    const io = recordingIo();
    expect(await main(['train', path, '--out', join(dir, 'run')], io)).toBe(2);
    const lines = io.err().trim().split('\n');
    expect(lines).toEqual([
      `${path}: run: steps: expected PositiveInt, got -3`,
      `${path}: jbond: learningRate: expected Positive, got 0`,
      `${path}: jbond: eta: expected UnitInterval, got "fast"`,
    ]);
  });

  it('exits 2 naming the file for invalid JSON and for a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bond-config-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "run": ');
    const io = recordingIo();
    expect(await main(['train', path], io)).toBe(2);
    expect(io.err()).toContain(`${path}: expected JSON, got`);
    const missing = recordingIo();
    expect(await main(['train', join(dir, 'nope.json')], missing)).toBe(2);
    expect(missing.err()).toContain(`${join(dir, 'nope.json')}: expected a readable config file, got ENOENT`);
  });
});
