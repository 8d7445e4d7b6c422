export * from './classes.ts';
export * from './preprocess.ts';
