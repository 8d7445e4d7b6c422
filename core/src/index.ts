export * from './analyze.ts';
export * from './classes.ts';
export * from './emotion/index.ts';
export * from './image-source.ts';
export * from './maths.ts';
export type { OrtSessionLike, OrtTensorClass } from './ort.ts';
export * from './preprocess.ts';
