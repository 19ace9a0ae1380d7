export * from './types.js';
export * from './local-supervisor.js';
export * from './monitored-supervisor.js';
