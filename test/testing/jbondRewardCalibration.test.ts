import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jbondRewardCalibration, type JBondRewardFn } from '../../src/testing/jbondRewardCalibration.js';

/** The failure message of the calibration property for a J-BOND reward that should fail it. */
function failureOf(reward: JBondRewardFn): string {
  const result = fc.check(jbondRewardCalibration(reward), { numRuns: 200 });
  expect(result.failed).toBe(true);
  return String(result.errorInstance);
}

describe('jbondRewardCalibration', () => {
  it('holds for the library jbondReward: eq (17), eq (24) and the −log 16 calibration of appendix A.4', () => {
    fc.assert(jbondRewardCalibration(), { numRuns: 500 });
  });

  it('holds for an independent implementation of eq (17) written the obvious way', () => {
    fc.assert(jbondRewardCalibration((r, [a, b]) => (r < a && r < b ? Math.log(1 / 16) : 0)), { numRuns: 200 });
  });

  it('catches a penalty α other than −log 16', () => {
    expect(failureOf((r, [a, b]) => (r < Math.min(a, b) ? -Math.log(4) : 0))).toMatch(/eq \(17\)|appendix A\.4/);
  });

  it('catches a reward that penalises ties with the anchors too (≤ instead of <)', () => {
    expect(failureOf((r, [a, b]) => (r <= Math.min(a, b) ? -Math.log(16) : 0))).toContain('eq (17)');
  });

  it('catches a reward that penalises being worse than either anchor instead of both', () => {
    expect(failureOf((r, [a, b]) => (r < Math.max(a, b) ? -Math.log(16) : 0))).toMatch(/eq \(17\)|eq \(24\)|appendix A\.4/);
  });
});
