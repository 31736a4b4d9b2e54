import type { OperatorFunction } from 'rxjs';
import { assertOption, isNonNegative, isUnit } from './assertOption.js';
import type { WithLossBw, WithLossFw, WithLossReg, WithUpdate } from './records.js';
import { surrogateUpdate, type UpdateOptions } from './surrogateUpdate.js';

/**
 * Options of {@link jeffreysUpdate}.
 *
 * @example
 * const opts: JeffreysUpdateOptions = { policy, optimizer: new WarmupAdam({ learningRate: 1e-4, warmupSteps: 10 }), beta: 0.5, gamma: 0, clipNorm: 1 };
 */
export interface JeffreysUpdateOptions extends UpdateOptions {
  /** β of the Jeffreys divergence, eq (11): 0 = forward KL only, 1 = backward KL only, 0.5 in J-BOND. */
  readonly beta: number;
  /** γ ≥ 0 of the extra KL regulariser, eq (19); needs `lossReg` on the record when > 0. */
  readonly gamma: number;
}

/**
 * One optimiser step on the J-BOND objective (eq (19), Algorithm 2): the gradient of
 * (1 − β)·lossFw + β·lossBw + γ·lossReg, i.e. the Jeffreys divergence J_β(π ‖ π_BoN) of eq (11) plus
 * γ·KL(π ‖ π_anchor), with gradient clipping and non-finite steps skipped (see `surrogateUpdate`).
 * Adds `update` and `nonFiniteSkips`. Uses `concatMap`.
 *
 * @example
 * rec$.pipe(forwardKlLoss({ policy }), backwardKlLoss(...), klRegularizer({ anchor }),
 *   jeffreysUpdate({ policy, optimizer, beta: 0.5, gamma: 0, clipNorm: 1 }));
 */
export function jeffreysUpdate<R extends WithLossFw & WithLossBw & Partial<WithLossReg>>(
  options: JeffreysUpdateOptions,
): OperatorFunction<R, R & WithUpdate> {
  const { beta, gamma } = options;
  assertOption('jeffreysUpdate', 'beta', beta, isUnit, 'a number in [0, 1]');
  assertOption('jeffreysUpdate', 'gamma', gamma, isNonNegative, 'a finite number ≥ 0');
  return surrogateUpdate<R>(options, 'jeffreysUpdate', (rec) => {
    const terms = [
      { weight: 1 - beta, term: rec.lossFw },
      { weight: beta, term: rec.lossBw },
    ];
    if (gamma === 0) return terms;
    if (rec.lossReg === undefined) {
      throw new RangeError(`jeffreysUpdate: expected a lossReg term (from klRegularizer) when gamma > 0, got none (gamma = ${gamma})`);
    }
    return [...terms, { weight: gamma, term: rec.lossReg }];
  });
}
