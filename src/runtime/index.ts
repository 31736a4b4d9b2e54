export * from './selectBackend.js';
export * from './registerGradients.js';
export * from './disposeAll.js';
