export * from './random.js';
export * from './until.js';
