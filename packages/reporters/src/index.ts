export * from './results-store.js';
export * from './store/schema.js';
export * from './store/results-db.js';
export * from './store/query-store.js';
export * from './store/queries.js';
export * from './store/export-results.js';
export * from './store/format-result.js';
export * from './outputs/index.js';
