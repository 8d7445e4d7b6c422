/** The model's output order (alphabetical, the class folders' order). See ../shared/MODEL.md. */
export const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise'] as const;
export type Emotion = (typeof CLASSES)[number];
export const NUM_CLASSES = CLASSES.length;

/** fer2013.csv numbers labels 0 angry, 1 disgust, 2 fear, 3 happy, 4 sad, 5 surprise, 6 neutral. */
const CSV_LABEL_NAMES: readonly Emotion[] = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
export const CSV_LABEL_TO_CLASS: readonly number[] = CSV_LABEL_NAMES.map((n) => CLASSES.indexOf(n));

/** Model input: one grayscale 48x48 image. */
export const INPUT_SIZE = 48;

/** Values in one model input (INPUT_SIZE squared). */
export const INPUT_PIXELS = INPUT_SIZE * INPUT_SIZE;

/** Pixel normalization: (p / 255 - mean) / std, giving [-1, 1]. */
export const NORMALIZATION = { mean: 0.5, std: 0.5 } as const;

/**
 * Per-crop standardization, in luma units (0-255): a model trained with it (its ONNX metadata says
 * `standardize`) computes, as the first step of its graph, (p - mean(crop)) / max(std(crop), minStd)
 * * std + mean over each 48x48 input, so a dim or washed-out face reaches it with the training
 * images' brightness and contrast. The targets are FER2013 train's: the mean of its images' means
 * (130.96) and the median of their standard deviations (74.65; 1% of them under 72.8, as the
 * images are histogram-equalized), measured by training/scripts/measure-standardization.ts.
 * minStd keeps a flat crop flat instead of amplifying its noise.
 */
export const STANDARDIZATION = { mean: 131, std: 74.65, minStd: 4 } as const;

/** Each class as an adjective ("a fearful face"), as photo collections such as face-api.js's name their files. */
export const ADJECTIVE_TO_CLASS: Readonly<Record<string, Emotion>> = {
  angry: 'angry',
  disgusted: 'disgust',
  fearful: 'fear',
  happy: 'happy',
  neutral: 'neutral',
  sad: 'sad',
  surprised: 'surprise',
};
