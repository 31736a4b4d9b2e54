export * from './rng.js';
export * from './errors.js';
export * from './codecs.js';
