/** ScratchCNN as ../shared/MODEL.md fixes it; shown on the model card. */

export interface ArchitectureRow {
  block: string;
  layers: string;
  output: string;
}

export const ARCHITECTURE: readonly ArchitectureRow[] = [
  { block: 'input', layers: 'grayscale 48×48, normalized to [−1, 1]', output: '1 × 48 × 48' },
  { block: '1', layers: 'conv 1→32, BN, ReLU; conv 32→32, BN, ReLU; max-pool', output: '32 × 24 × 24' },
  { block: '2', layers: 'conv 32→64, BN, ReLU; conv 64→64, BN, ReLU; max-pool', output: '64 × 12 × 12' },
  { block: '3', layers: 'conv 64→128, BN, ReLU; max-pool', output: '128 × 6 × 6' },
  { block: '4', layers: 'conv 128→264, BN, ReLU; max-pool', output: '264 × 3 × 3' },
  { block: 'head', layers: 'flatten (2376); dropout 0.4; dense 2376→256; ReLU; dropout 0.4; dense 256→7', output: '7 logits' },
];

export const ARCHITECTURE_NOTES = [
  'Every convolution is 3×3, stride 1, “same” padding, with bias; every pool is 2×2, stride 2.',
  'BatchNorm as PyTorch defines it: epsilon 1e-5, running statistics with momentum 0.1.',
  'About 75 million multiply-adds per image for one forward pass.',
] as const;

/** Trainable parameters, PyTorch's count (TensorFlow.js also counts BatchNorm statistics: 1,055,887). */
export const TRAINABLE_PARAMETERS = 1_054_719;
