export * from './types.js';
export * from './warmupAdam.js';
export * from './jbond.js';
