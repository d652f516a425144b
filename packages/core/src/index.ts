export * from './errors.js';
export * from './context.js';
export * from './metrics/sample.js';
export * from './metrics/names.js';
