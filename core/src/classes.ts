/** The model's output order (alphabetical, the class folders' order). See ../shared/MODEL.md. */
export const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise'] as const;
export type Emotion = (typeof CLASSES)[number];
export const NUM_CLASSES = CLASSES.length;

/** fer2013.csv numbers labels 0 angry, 1 disgust, 2 fear, 3 happy, 4 sad, 5 surprise, 6 neutral. */
const CSV_LABEL_NAMES: readonly Emotion[] = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
export const CSV_LABEL_TO_CLASS: readonly number[] = CSV_LABEL_NAMES.map((n) => CLASSES.indexOf(n));

/** Model input: one grayscale 48x48 image. */
export const INPUT_SIZE = 48;

/** Pixel normalization: (p / 255 - mean) / std, giving [-1, 1]. */
export const NORMALIZATION = { mean: 0.5, std: 0.5 } as const;

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
