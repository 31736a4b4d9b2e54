export * from './types.js';
export * from './weights.js';
export * from './tabularPolicy.js';
export * from './enumerateSequences.js';
export * from './tokenizer.js';
export * from './charTokenizer.js';
export * from './byteTokenizer.js';
export * from './safetensors.js';
