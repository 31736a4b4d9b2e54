export * from './packageRoot.js';
export * from './loadReward.js';
export * from './textTask.js';
