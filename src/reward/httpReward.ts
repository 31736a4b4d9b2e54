import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { BondInputError, decodeOrThrow, decodeWith, Finite, NonNegative, NonNegativeInt, Positive, PositiveInt, showValue } from '../core/index.js';
import type { RewardInput, RewardModel } from './types.js';

/**
 * Options of {@link httpReward}; every field is optional.
 *
 * @example
 * const patient: HttpRewardOptions = { timeoutMs: 60_000, retries: 5, backoffMs: 1000 };
 */
export interface HttpRewardOptions {
  /** Generations per request (default 64). */
  readonly batchSize?: number;
  /** Time allowed for one request, reply body included, in milliseconds (default 10000). */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error, a timeout or a 5xx reply (default 2, so 3 attempts). */
  readonly retries?: number;
  /** Wait before the first retry in milliseconds; it doubles before each further retry (default 200). */
  readonly backoffMs?: number;
}

const HttpRewardOptionsCodec = t.partial(
  { batchSize: PositiveInt, timeoutMs: Positive, retries: NonNegativeInt, backoffMs: NonNegative },
  'HttpRewardOptions',
);

/** The reply the endpoint must send: one finite reward per completion, in request order. */
const RewardReply = t.type({ rewards: t.readonlyArray(Finite) }, 'RewardReply');

/** Why one attempt did not produce rewards, when trying again may help. */
type RetryableFailure =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly cause: string };

type AttemptResult = { readonly kind: 'reply'; readonly body: unknown } | { readonly kind: 'retry'; readonly failure: RetryableFailure };

/**
 * A reward model served over HTTP. Each batch of at most `batchSize` generations is POSTed as JSON
 * `{ "prompts": string[], "completions": string[] }`, and the endpoint must answer
 * `{ "rewards": number[] }` with one finite reward per completion, in order. Batches are sent one after
 * the other, so a slow endpoint sees at most one request at a time from one model.
 *
 * Network errors, timeouts and 5xx replies are retried up to `retries` times, waiting `backoffMs`,
 * then twice as long each time (exponential backoff); a 4xx reply, a body that is not JSON, or a reply
 * of the wrong shape or length fails at once, since asking again would get the same answer. Every
 * failure is a {@link BondInputError} naming the URL and what was wrong, e.g.
 * `httpReward http://127.0.0.1:9/score: expected status 2xx, got 503 after 3 attempts`.
 *
 * @example
 * const rm = httpReward('http://127.0.0.1:8000/score', { batchSize: 32, timeoutMs: 5000 });
 * const rewards = await rm.score([{ prompt: 'We the', completion: ' people', promptTokens: [], completionTokens: [] }]);
 */
export function httpReward(url: string, options: HttpRewardOptions = {}): RewardModel {
  if (!isHttpUrl(url)) throw new BondInputError(`httpReward: expected an http(s) URL, got ${showValue(url)}`);
  const where = `httpReward ${url}`;
  const opts = decodeOrThrow(HttpRewardOptionsCodec, options, `${where} options`);
  const batchSize = opts.batchSize ?? 64;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const attempts = (opts.retries ?? 2) + 1;
  const backoffMs = opts.backoffMs ?? 200;

  const scoreBatch = async (batch: ReadonlyArray<RewardInput>): Promise<number[]> => {
    const body = JSON.stringify({ prompts: batch.map((b) => b.prompt), completions: batch.map((b) => b.completion) });
    let result = await postOnce(url, body, timeoutMs, where);
    for (let retry = 1; result.kind === 'retry' && retry < attempts; retry++) {
      await sleep(backoffMs * 2 ** (retry - 1));
      result = await postOnce(url, body, timeoutMs, where);
    }
    if (result.kind === 'reply') return decodeRewards(result.body, batch.length, where);
    throw new BondInputError(`${where}: ${describeExhausted(result.failure, attempts, timeoutMs)}`);
  };

  return {
    name: where,
    score: async (batch) => {
      const rewards: number[] = [];
      for (let start = 0; start < batch.length; start += batchSize) {
        rewards.push(...(await scoreBatch(batch.slice(start, start + batchSize))));
      }
      return rewards;
    },
  };
}

/** One POST with its own timeout, covering the headers and the body; throws only for non-retryable failures. */
async function postOnce(url: string, body: string, timeoutMs: number, where: string): Promise<AttemptResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: controller.signal });
    const text = await response.text();
    if (response.status >= 500) return { kind: 'retry', failure: { kind: 'status', status: response.status } };
    if (response.status < 200 || response.status >= 300) throw new BondInputError(`${where}: expected status 2xx, got ${response.status}`);
    return { kind: 'reply', body: parseJson(text, where) };
  } catch (error) {
    if (error instanceof BondInputError) throw error;
    if (controller.signal.aborted) return { kind: 'retry', failure: { kind: 'timeout' } };
    return { kind: 'retry', failure: { kind: 'network', cause: describeNetworkError(error) } };
  } finally {
    clearTimeout(timer);
  }
}

function decodeRewards(body: unknown, expected: number, where: string): number[] {
  const decoded = decodeWith(RewardReply, body, where);
  if (E.isLeft(decoded)) throw new BondInputError(decoded.left.join('\n'), decoded.left);
  const { rewards } = decoded.right;
  if (rewards.length !== expected) throw new BondInputError(`${where}: expected ${expected} rewards, got ${rewards.length}`);
  return [...rewards];
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BondInputError(`${where}: expected a JSON reply, got ${showValue(text)}`);
  }
}

function describeExhausted(failure: RetryableFailure, attempts: number, timeoutMs: number): string {
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  switch (failure.kind) {
    case 'status':
      return `expected status 2xx, got ${failure.status} after ${tries}`;
    case 'timeout':
      return `timed out after ${timeoutMs} ms (${tries})`;
    case 'network':
      return `expected a reply, got network error ${failure.cause} after ${tries}`;
  }
}

/** Node's fetch reports "fetch failed" and hides the useful part (e.g. ECONNREFUSED) in `cause`. */
function describeNetworkError(error: unknown): string {
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  return error instanceof Error ? error.message : String(error);
}

function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
