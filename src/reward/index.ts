export * from './types.js';
export * from './fromFunction.js';
export * from './lexiconSentiment.js';
export * from './httpReward.js';
