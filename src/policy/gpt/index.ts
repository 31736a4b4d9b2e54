export * from './attentionBias.js';
export * from './gptDecoder.js';
export * from './gptForward.js';
export * from './gptWeights.js';
export * from './kvCache.js';
export * from './temperedLogProbs.js';
