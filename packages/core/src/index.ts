export * from './errors.js';
export * from './context.js';
export * from './metrics/sample.js';
export * from './metrics/names.js';
export * from './thresholds/types.js';
export * from './executors/plan.js';
