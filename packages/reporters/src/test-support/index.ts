export * from './crafted-run.js';
