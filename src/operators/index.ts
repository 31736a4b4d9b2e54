export * from './records.js';
export * from './enumeration.js';
export * from './stepwise.js';
export type { SampleGroupOptions } from './sampleGroups.js';
export * from './samplePolicy.js';
export * from './sampleAnchor.js';
export * from './scoreRewards.js';
