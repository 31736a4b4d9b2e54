import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { recordingIo, writeTinyTask } from './helpers/tinyTask.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'bond.js');

/** Resolves once `ready()` holds, polling every 50 ms; rejects after `ms`. */
function waitFor(ready: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (ready()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }
    }, 50);
  });
}

const lines = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : []);

describe('Ctrl-C during bond train (the built bin, in a child process)', () => {
  it('finishes the step in flight, writes a checkpoint of it, exits 130, and the run resumes from there', async () => {
    expect(existsSync(join(root, 'dist', 'cli.js')), 'dist/cli.js: run `npm run build` first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'bond-sigint-'));
    // No checkpoint or samples until step 1000: nothing but the signal itself may give the event loop a turn.
    const config = await writeTinyTask(dir, { run: { steps: 1000, seed: 3, checkpointEvery: 1000, keepCheckpoints: 3, samplesEvery: 1000, samplesPerLog: 1, logEvery: 1000 } });
    const run = join(dir, 'run');
    const child = spawn(process.execPath, [bin, 'train', config, '--out', run, '--steps', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const metrics = join(run, 'metrics.jsonl');
    try {
      await waitFor(() => lines(metrics).length > 0, 30_000, 'the first metrics line');
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const done = lines(metrics).length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(100); // the signal was handled within a few steps, not at the next checkpoint
    expect(readdirSync(join(run, 'checkpoints'))).toContain(`step-${done}`);
    expect(JSON.parse(readFileSync(join(run, 'checkpoints', `step-${done}`, 'state.json'), 'utf8'))).toMatchObject({ step: done });
    expect(stderr).toContain(`bond train: interrupted after step ${done}; checkpoint ${join(run, 'checkpoints', `step-${done}`)}`);

    const io = recordingIo();
    expect(await main(['train', '--resume', run, '--steps', String(done + 2)], io)).toBe(0);
    expect(lines(metrics).map((l) => (JSON.parse(l) as { step: number }).step)).toEqual(Array.from({ length: done + 2 }, (_, i) => i));
  });
});
