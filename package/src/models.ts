/**
 * The two models ship in the package's models/ folder (copied from the repository's model/ at
 * build): the emotion classifier and the face detector. The built entries sit in dist/, beside it.
 */
export const MODEL_FILES = { classifier: 'scratchcnn.onnx', detector: 'blazeface.onnx' } as const;

/** models/ of the installed package, from a module in dist/. */
export const modelsUrl = (): URL => new URL('../models/', import.meta.url);
