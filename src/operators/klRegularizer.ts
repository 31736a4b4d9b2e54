import { map, type OperatorFunction } from 'rxjs';
import type { Policy } from '../policy/index.js';
import { readLogProbs, sampleRows } from './logProbs.js';
import type { WithLossReg, WithPolicySamples } from './records.js';
import { mean } from './stats.js';

/**
 * Options of {@link klRegularizer}.
 *
 * @example
 * const opts: KlRegularizerOptions = { anchor };
 */
export interface KlRegularizerOptions {
  /** π_anchor of eq (19). */
  readonly anchor: Policy;
}

/**
 * Adds `lossReg`, the extra regulariser KL(π ‖ π_anchor) of eq (19). Its gradient (as in Appendix A.3) is
 * E_π[∇log π(y)·(log π(y) − log π_anchor(y))], so the surrogate coefficients are
 * +(log π(y) − log π_anchor(y))/M over the M policy samples, and descending it decreases the KL.
 * (Algorithm 2 prints G_Reg with a minus sign, which is the ascent direction.) The reported value is
 * the k1 estimate mean(log π(y) − log π_anchor(y)). A pure `map`.
 *
 * @example
 * rec$.pipe(klRegularizer({ anchor }));
 */
export function klRegularizer<R extends WithPolicySamples>(options: KlRegularizerOptions): OperatorFunction<R, R & WithLossReg> {
  return map((rec) => {
    const rows = sampleRows(rec.policySamples);
    const anchorLogProbs = readLogProbs(options.anchor, rows.prompts, rows.completions);
    const logRatios = rows.logProbs.map((lp, m) => lp - (anchorLogProbs[m] as number));
    return {
      ...rec,
      lossReg: {
        prompts: rows.prompts,
        completions: rows.completions,
        coefficients: logRatios.map((d) => d / logRatios.length),
        value: mean(logRatios),
      },
    };
  });
}
