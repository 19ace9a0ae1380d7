export * from './daemon-client.js';
export * from './errors.js';
