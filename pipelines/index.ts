export * from './types.js';
export * from './warmupAdam.js';
