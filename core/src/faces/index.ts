/**
 * Face detection, runtime-neutral: BlazeFace "back" (model/blazeface.onnx) on any onnxruntime,
 * behind the FaceDetector seam (./detector.ts).
 *
 *   const detector = faceDetector(session, ort.Tensor);          // session from ort's InferenceSession.create
 *   const source = openImage(bytes, SOURCE_LIMITS);              // ../image-source.ts
 *   const { faces, detectionImage } = await findFaces(source, detector, { maxFaces: 10 });   // largest first
 *   for (const face of faces) alignedInput(source, face.keypoints, detectionImage).input;    // each face's model input
 *
 * analyzeImage (../analyze.ts) does all of that and classifies each face.
 *
 * In Node, `openFaceDetector(ort)` from './node.ts' opens the committed model with onnxruntime-node.
 * How the model was converted and the defaults measured: tools/blazeface/README.md.
 */

export * from './align.ts';
export * from './blazeface.ts';
export * from './detector.ts';
export * from './find.ts';
export * from './input.ts';
export * from './landmarks.ts';
export * from './model.ts';
export * from './nms.ts';
export * from './quality.ts';
