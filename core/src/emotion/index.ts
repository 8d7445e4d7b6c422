/**
 * The emotion classifier, runtime-neutral: ScratchCNN (model/scratchcnn.onnx) on any onnxruntime.
 * In Node, `openEmotionClassifier(ort)` from './node.ts' opens the committed model with onnxruntime-node.
 */

export * from './classifier.ts';
export * from './model.ts';
