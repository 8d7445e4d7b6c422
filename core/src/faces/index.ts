/**
 * Face detection, runtime-neutral: BlazeFace "back" (model/blazeface.onnx) on any onnxruntime.
 *
 *   const detector = faceDetector(session, ort.Tensor);          // session from ort's InferenceSession.create
 *   const { gray, faces } = await detector.detectBytes(bytes, { maxFaces: 10 });
 *   for (const face of faces) toModelInput(gray, faceCrop(face.box, gray));   // largest face first
 *
 * In Node, `openFaceDetector(ort)` from './node.ts' opens the committed model with onnxruntime-node.
 * How the model was converted and the defaults measured: tools/blazeface/README.md.
 */

export * from './align.ts';
export * from './anchors.ts';
export * from './crop.ts';
export * from './decode.ts';
export * from './detector.ts';
export * from './find.ts';
export * from './input.ts';
export * from './landmarks.ts';
export * from './model.ts';
export * from './nms.ts';
export * from './quality.ts';
