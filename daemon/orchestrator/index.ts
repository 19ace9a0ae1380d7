export * from './orchestrator.js';
export * from './context.js';
export * from './service-types.js';
export * from './stats-collector.js';
