export * from './math/index.js';
export * from './core/index.js';
export * from './runtime/index.js';
export * from './policy/index.js';
export * from './reward/index.js';
export * from './operators/index.js';
export * from '../pipelines/index.js';
