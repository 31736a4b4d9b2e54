#!/usr/bin/env node
import('../dist/cli.js')
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => { process.exitCode = code; })
  .catch((err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; });
