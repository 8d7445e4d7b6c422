export * from './classes.ts';
export * from './preprocess.ts';
export * from './image-source.ts';
