export * from './fake-cluster.js';
