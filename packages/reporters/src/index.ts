export * from './results-store.js';
