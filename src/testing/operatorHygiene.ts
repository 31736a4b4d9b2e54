import { isDeepStrictEqual } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { lastValueFrom, of, toArray, type OperatorFunction } from 'rxjs';

/**
 * Options of {@link operatorHygiene}.
 *
 * @example
 * const options: OperatorHygieneOptions<ScoredBatch> = { owns: ['policyRewards'], batchSize: (rec) => rec.policySamples.length };
 */
export interface OperatorHygieneOptions<In> {
  /**
   * Input fields the operator may replace (default none): every other field of the input record must
   * come out deep-equal. Fields the operator adds are always allowed.
   */
  readonly owns?: readonly string[];
  /**
   * The batch size of a record, which the operator must preserve (default: the length of its `prompts`
   * array; records without one skip this check).
   */
  readonly batchSize?: (record: In) => number;
}

/**
 * A fast-check property checking that a custom RxJS operator over pipeline records is well behaved. For
 * each input record (drawn from the arbitrary, or built from a drawn seed by the function) it runs the
 * operator on the deep-frozen record twice, the first time to let it build what it keeps (optimizer
 * slots, kernels), and checks on the second run that it:
 *
 * - emits exactly one record;
 * - leaves `tf.memory().numTensors` unchanged (every tensor it makes is disposed; otherwise memory grows
 *   with every training step);
 * - does not mutate its input (writes to the frozen record throw, and the record is compared with a copy
 *   taken beforehand): records are shared, e.g. anchor samples feed several stages;
 * - preserves the batch size and every input field it does not own (stages only add fields).
 *
 * It fails by throwing an error that names the broken rule. Raise the number of records tried with
 * `fc.assert(property, { numRuns: 500 })`.
 *
 * @example
 * const addLength = map((rec: Batch) => ({ ...rec, lengths: rec.prompts.map((p) => p.tokens.length) }));
 * const batches = fc.integer({ min: 1, max: 4 }).map((n) => ({ step: 0, startedAt: 0, prompts: Array.from({ length: n }, () => ({ text: '', tokens: [1] })) }));
 * await fc.assert(operatorHygiene(addLength, batches));
 */
export function operatorHygiene<In extends object, Out extends object>(
  operator: OperatorFunction<In, Out>,
  makeInput: fc.Arbitrary<In> | ((seed: number) => In),
  options: OperatorHygieneOptions<In> = {},
): fc.IAsyncPropertyWithHooks<[In]> {
  const { owns = [], batchSize = promptCount } = options;
  const inputs = makeInput instanceof fc.Arbitrary ? makeInput : fc.integer().map(makeInput);
  return fc.asyncProperty(inputs, async (input) => {
    const snapshot = structuredClone(input);
    deepFreeze(input);
    await runOnce(operator, input);
    const before = tf.memory().numTensors;
    const outputs = await runOnce(operator, input);
    const after = tf.memory().numTensors;

    if (after !== before) throw new Error(`tensor hygiene: expected ${before} live tensors after the operator ran, got ${after} (${after - before} leaked per call)`);
    if (!isDeepStrictEqual(input, snapshot)) throw new Error('input mutation: expected the input record unchanged, got a changed record');
    if (outputs.length !== 1) throw new Error(`records out: expected 1 record per input record, got ${outputs.length}`);
    const output = outputs[0] as Out;
    const sizeIn = batchSize(input);
    const sizeOut = batchSize(output as unknown as In);
    if (!Object.is(sizeIn, sizeOut)) throw new Error(`batch size: expected ${sizeIn}, got ${sizeOut}`);
    for (const key of Object.keys(input)) {
      if (owns.includes(key)) continue;
      const kept = (output as Record<string, unknown>)[key];
      if (!isDeepStrictEqual(kept, (input as Record<string, unknown>)[key])) {
        throw new Error(`field "${key}": expected it unchanged (the operator does not own it), got ${kept === undefined ? 'it removed' : 'a different value'}`);
      }
    }
    return true;
  });
}

/** Runs the operator on one record and collects everything it emits. */
async function runOnce<In, Out>(operator: OperatorFunction<In, Out>, input: In): Promise<Out[]> {
  try {
    return await lastValueFrom(of(input).pipe(operator, toArray()));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`the operator threw on its (deep-frozen) input record: ${message}`);
  }
}

/** Freezes plain objects and arrays all the way down; class instances (tensors, policies) are left alone. */
function deepFreeze(value: unknown, seen = new WeakSet<object>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return;
  Object.freeze(value);
  Object.values(value).forEach((child) => deepFreeze(child, seen));
}

/** The default batch size: the number of prompts, or NaN (skipping the check) for records without them. */
function promptCount(record: object): number {
  const prompts = (record as { prompts?: unknown }).prompts;
  return Array.isArray(prompts) ? prompts.length : Number.NaN;
}
