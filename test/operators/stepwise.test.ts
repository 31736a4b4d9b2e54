import { concatMap, delay, from, lastValueFrom, map, of, toArray, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { stepwise, type Batch } from '../../src/operators/index.js';
import { toyPrompts } from '../helpers/toyTask.js';

describe('stepwise', () => {
  it('numbers the steps from firstStep and keeps each batch’s prompts', async () => {
    const batches = [toyPrompts(1), toyPrompts(2), toyPrompts(3)];
    const out = await lastValueFrom(from(batches).pipe(stepwise((b$) => b$, { firstStep: 10 }), toArray()));
    expect(out.map((b) => b.step)).toEqual([10, 11, 12]);
    expect(out.map((b) => b.prompts)).toEqual(batches);
  });

  it('runs the whole stage of a step before the next step starts, even when parts of it are asynchronous', async () => {
    const events: string[] = [];
    // Two inner stages, each asynchronous: without stepwise, step 1's first part would start while step 0's second part waits.
    const part = (name: string, ms: number): OperatorFunction<Batch, Batch> =>
      concatMap((b) => {
        events.push(`${name}${b.step}:start`);
        return of(b).pipe(delay(ms), map((x) => (events.push(`${name}${b.step}:end`), x)));
      });
    const stage: OperatorFunction<Batch, Batch> = (b$) => b$.pipe(part('sample', 5), part('update', 10));
    await lastValueFrom(from([toyPrompts(1), toyPrompts(1)]).pipe(stepwise(stage), toArray()));
    expect(events).toEqual(['sample0:start', 'sample0:end', 'update0:start', 'update0:end', 'sample1:start', 'sample1:end', 'update1:start', 'update1:end']);
  });

  it('stamps startedAt when a step starts, not when its prompts were queued', async () => {
    const slow: OperatorFunction<Batch, Batch> = concatMap((b) => of(b).pipe(delay(20)));
    const out = await lastValueFrom(from([toyPrompts(1), toyPrompts(1)]).pipe(stepwise(slow), toArray()));
    expect(out[1]!.startedAt - out[0]!.startedAt).toBeGreaterThanOrEqual(19);
  });
});
