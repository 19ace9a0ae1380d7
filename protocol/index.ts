export * from './service.js';
export * from './telemetry.js';
export * from './messages.js';
export * from './codec.js';
export * from './paths.js';
export * from './membership.js';
