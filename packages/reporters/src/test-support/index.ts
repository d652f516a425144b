export * from './crafted-run.js';
export * from './crafted-store.js';
export * from './synthetic-run.js';
