export * from './registerGradients.js';
