/**
 * The threshold behind answers' `uncertain` flag, measured per model at export and written into its
 * card (validation.abstention): the lowest top probability at which the answers kept are at least
 * ABSTENTION_TARGET right on the validation set, with flip TTA as the API answers. Below it an
 * answer is flagged; the served model's card is where the worker, the site and the package read it.
 */
import type { Abstention } from '@emotion/core/artifacts';
import { NUM_CLASSES } from '@emotion/core/classes';
import { argmax } from '@emotion/core/maths';

/** Share of kept answers that must be right. */
export const ABSTENTION_TARGET = 0.8;
/** Thresholds tried: 0.30, 0.35, ... 0.90. */
export const ABSTENTION_STEPS = Array.from({ length: 13 }, (_, i) => Number((0.3 + 0.05 * i).toFixed(2)));

/** For each threshold: the share of answers whose top probability reaches it, and the share of those that are right. */
export function abstentionCurve(probs: Float64Array, labels: ArrayLike<number>, thresholds = ABSTENTION_STEPS): Abstention[] {
  const n = labels.length;
  const best = Array.from({ length: n }, (_, i) => argmax(probs, i * NUM_CLASSES, NUM_CLASSES));
  const top = best.map((b, i) => probs[i * NUM_CLASSES + b]);
  return thresholds.map((threshold) => {
    let kept = 0;
    let right = 0;
    for (let i = 0; i < n; i++) {
      if (top[i] >= threshold) {
        kept++;
        if (best[i] === labels[i]) right++;
      }
    }
    return { threshold, answered: round4(kept / n), right: round4(right / Math.max(1, kept)), target: ABSTENTION_TARGET };
  });
}

/**
 * The lowest threshold whose kept answers meet the target; when none does (a model trained briefly),
 * the highest tried, so that nearly every answer of such a model is flagged.
 */
export function abstentionThreshold(curve: readonly Abstention[]): Abstention {
  return curve.find((p) => p.right >= p.target) ?? curve[curve.length - 1];
}

const round4 = (x: number) => Number(x.toFixed(4));
