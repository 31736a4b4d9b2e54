export * from './arbitraries.js';
export * from './policyArbitraries.js';
export * from './policyCases.js';
export * from './usingPolicy.js';
export * from './toRewardModel.js';
export * from './bestOfNIdentities.js';
export * from './policyConsistency.js';
