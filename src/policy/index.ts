export * from './types.js';
export * from './weights.js';
export * from './tabularPolicy.js';
export * from './enumerateSequences.js';
