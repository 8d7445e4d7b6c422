/** The reference model's published training curve, from ../shared/MODEL.md ("figures to beat"). */

export interface ReferencePoint {
  epoch: number;
  train_loss: number;
  val_loss: number;
  val_acc: number;
}

export const REFERENCE_CURVE: readonly ReferencePoint[] = [
  { epoch: 1, train_loss: 1.7531, val_loss: 1.5683, val_acc: 0.3922 },
  { epoch: 10, train_loss: 1.2271, val_loss: 1.0877, val_acc: 0.5769 },
  { epoch: 30, train_loss: 1.0484, val_loss: 0.9931, val_acc: 0.625 },
  { epoch: 50, train_loss: 0.9551, val_loss: 0.9403, val_acc: 0.6461 },
  { epoch: 81, train_loss: 0.9186, val_loss: 0.9337, val_acc: 0.6538 },
  { epoch: 100, train_loss: 0.913, val_loss: 0.9337, val_acc: 0.6519 },
];

/** The reference keeps its best epoch by validation accuracy: epoch 81. */
export const REFERENCE_BEST = REFERENCE_CURVE.reduce((a, b) => (b.val_acc > a.val_acc ? b : a));

export const REFERENCE_EPOCHS = 100;
