export * from './types.js';
export * from './local-supervisor.js';
