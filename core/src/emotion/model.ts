/**
 * The emotion model's contract (../shared/MODEL.md): ScratchCNN exported to model/scratchcnn.onnx,
 * float32 [N, 1, 48, 48] in (INPUT_SIZE, NORMALIZATION in ../classes.ts), 7 logits per row out in
 * CLASSES order.
 */

/** ONNX input: float32 [N, 1, 48, 48], dynamic N. */
export const EMOTION_INPUT = 'input';

/** ONNX output: float32 [N, 7] logits. */
export const EMOTION_OUTPUT = 'logits';

/**
 * Model rows per run unless the caller says otherwise. Training's evaluation batches this many; the
 * worker passes its own, smaller LIMITS.maxBatch (a bigger batch grows ORT's WASM memory for good).
 */
export const DEFAULT_MAX_BATCH = 256;
