/** Classification report from predicted probabilities: accuracy, per-class P/R/F1, macro-F1, confusion, log loss. */

import type { Report } from '@emotion/core/artifacts';
import { CLASSES, NUM_CLASSES } from '@emotion/core/classes';
import { argmax } from '@emotion/core/maths';

export type { ClassReport, Report } from '@emotion/core/artifacts';

const r4 = (x: number) => Number(x.toFixed(4));

/** `probs` is flat [n * 7]. */
export function classificationReport(probs: Float32Array | Float64Array, labels: ArrayLike<number>): Report {
  const n = labels.length;
  const confusion = Array.from({ length: NUM_CLASSES }, () => new Array<number>(NUM_CLASSES).fill(0));
  let logLoss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const best = argmax(probs, i * NUM_CLASSES, NUM_CLASSES);
    confusion[labels[i]][best]++;
    if (best === labels[i]) correct++;
    logLoss -= Math.log(Math.max(1e-12, probs[i * NUM_CLASSES + labels[i]]));
  }
  const per_class = CLASSES.map((name, k) => {
    const tp = confusion[k][k];
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[k], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { class: name, precision: r4(precision), recall: r4(recall), f1: r4(f1), support };
  });
  return {
    n,
    accuracy: r4(correct / n),
    macro_f1: r4(per_class.reduce((a, c) => a + c.f1, 0) / NUM_CLASSES),
    log_loss: r4(logLoss / n),
    per_class,
    confusion,
  };
}

export function formatReport(title: string, r: Report): string {
  const lines = [
    `${title}: accuracy ${r.accuracy.toFixed(4)}, macro-F1 ${r.macro_f1.toFixed(4)}, log loss ${r.log_loss.toFixed(4)} (n=${r.n})`,
  ];
  lines.push('  class      precision  recall  f1      support');
  for (const c of r.per_class) {
    lines.push(
      `  ${c.class.padEnd(10)} ${c.precision.toFixed(4).padStart(9)}  ${c.recall.toFixed(4)}  ${c.f1.toFixed(4)}  ${String(c.support).padStart(7)}`,
    );
  }
  lines.push('  confusion (rows true, cols predicted; ' + CLASSES.map((c) => c.slice(0, 3)).join(' ') + ')');
  for (const [k, row] of r.confusion.entries())
    lines.push(`  ${CLASSES[k].slice(0, 3)} ${row.map((v) => String(v).padStart(4)).join(' ')}`);
  return lines.join('\n');
}
