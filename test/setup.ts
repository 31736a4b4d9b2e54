import fc from 'fast-check';

// Property tests run with a fixed seed so CI is reproducible; FC_SEED explores other seeds locally.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261204), numRuns: Number(process.env.FC_RUNS ?? 200) });
