export * from './random.js';
export * from './until.js';
export * from './scenarios.js';
export * from './json-schema.js';
export * from './property.js';
export * from './scenario-yaml.js';
export * from './protocol-frames.js';
export * from './ports.js';
