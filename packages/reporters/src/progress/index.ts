export * from './status-terminal.js';
export * from './progress-output.js';
