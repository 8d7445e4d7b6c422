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

/**
 * Per-crop tone normalization, in luma units: a model exported with it (its ONNX metadata says
 * `tone`) computes, as the first step of its graph, u = p / w with w the crop's white point (its
 * `whiteQuantile` quantile of luma, at least 1), then whitePoint * u^g clipped to 255, where the
 * power g (within [minGamma, maxGamma]) brings the crop's median of u to midRatio. A dim exposure
 * (luma times s) and a camera's tone curve (luma to a power) change neither w-relative order nor
 * that median's place, so up to rounding a face reads the same lit either way. The targets are
 * FER2013 train's: the median of its images' 95th percentiles (250) and of their median over it
 * (0.512; half of them within 0.502-0.529, as the images are histogram-equalized). Quantiles are
 * the sorted values at index floor(q * 2304).
 */
export const TONE = {
  whiteQuantile: 0.95,
  whitePoint: 250,
  midRatio: 0.512,
  /** The median over the white point is held within these, so a flat or black crop gets a bounded power. */
  minMid: 0.02,
  maxMid: 0.98,
  minGamma: 0.25,
  maxGamma: 4,
} as const;

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
