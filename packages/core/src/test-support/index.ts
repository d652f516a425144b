export * from './random.js';
export * from './until.js';
export * from './scenarios.js';
export * from './json-schema.js';
export * from './summary-fixture.js';
export * from './quiet-output.js';
