/**
 * The log-probabilities of the distribution a sampler actually draws from:
 * log softmax(logits / temperature) renormalised over the `topK` largest logits (ties: lower index
 * kept), and -Infinity for every other token. Computed in float64 with the max subtracted, so a tiny
 * temperature gives a finite, greedy distribution rather than NaN.
 *
 * @example
 * temperedLogProbs([0, Math.log(3)], 1, 2); // [log 0.25, log 0.75]
 * temperedLogProbs([0, Math.log(3)], 1, 1); // [-Infinity, 0]
 */
export function temperedLogProbs(logits: ArrayLike<number>, temperature: number, topK: number): number[] {
  const scaled = Array.from(logits, (z) => z / temperature);
  const kept = scaled
    .map((_, i) => i)
    .sort((i, j) => (scaled[j] as number) - (scaled[i] as number) || i - j)
    .slice(0, topK);
  const max = scaled[kept[0] as number] as number;
  const logZ = max + Math.log(kept.reduce((s, i) => s + Math.exp((scaled[i] as number) - max), 0));
  const out = scaled.map(() => -Infinity);
  kept.forEach((i) => (out[i] = (scaled[i] as number) - logZ));
  return out;
}
