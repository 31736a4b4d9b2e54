import Sentiment from 'sentiment';
import { fromFunction } from './fromFunction.js';
import type { RewardModel } from './types.js';

/**
 * AFINN lexicon sentiment of the completion text, from the `sentiment` package:
 * `new Sentiment().analyze(completion).score`, i.e. the sum over words of their AFINN-165 score
 * (integers in [-5, 5]; words outside the lexicon count 0), with the sign of a word flipped when the
 * word before it is a negator ("not", "don't", …).
 *
 * Why the sum and not `comparative` (the sum divided by the number of words): the sum rewards more
 * positive words, which is the "make the text more positive" task; the per-word mean would make short
 * completions with one positive word the optimum. The prompt is ignored, so the reward measures only
 * what the policy wrote. Empty or whitespace-only text, and text without lexicon words, scores 0.
 *
 * @example
 * await lexiconSentiment().score([{ prompt: '', completion: 'a good day', promptTokens: [], completionTokens: [] }]); // [3]
 */
export function lexiconSentiment(): RewardModel {
  const analyzer = new Sentiment();
  return fromFunction((input) => analyzer.analyze(input.completion).score, 'lexiconSentiment');
}
