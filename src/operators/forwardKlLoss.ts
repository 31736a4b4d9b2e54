import { map, type OperatorFunction } from 'rxjs';
import type { Policy } from '../policy/index.js';
import { readLogProbs } from './logProbs.js';
import { mean } from './stats.js';
import type { WithBestOfN, WithLossFw } from './records.js';

/**
 * Options of {@link forwardKlLoss}.
 *
 * @example
 * const opts: ForwardKlLossOptions = { policy };
 */
export interface ForwardKlLossOptions {
  /** The policy π being trained (its current log-likelihood of the Best-of-N samples is the reported value). */
  readonly policy: Policy;
}

/**
 * Adds `lossFw`, the forward-KL term KL(π_BoN ‖ π) of eq (12): supervised fine-tuning on the Best-of-N
 * samples. Its gradient is −E_{y∼π_BoN}[∇log π(y)] (eq (13)), so the surrogate has coefficient −1/B on each
 * of the B Best-of-N samples; the reported value is their mean negative log-likelihood under π (the
 * cross-entropy, i.e. KL(π_BoN ‖ π) up to π_BoN's entropy). A pure `map` (it reads weights, never writes).
 *
 * @example
 * rec$.pipe(bestOfN(), forwardKlLoss({ policy }));
 */
export function forwardKlLoss<R extends WithBestOfN>(options: ForwardKlLossOptions): OperatorFunction<R, R & WithLossFw> {
  return map((rec) => {
    const prompts = rec.bestOfN.map((g) => g.prompt);
    const completions = rec.bestOfN.map((g) => g.tokens);
    const logProbs = readLogProbs(options.policy, prompts, completions);
    const count = logProbs.length;
    return {
      ...rec,
      lossFw: { prompts, completions, coefficients: logProbs.map(() => -1 / count), value: -mean(logProbs) },
    };
  });
}
