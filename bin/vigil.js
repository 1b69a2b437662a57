#!/usr/bin/env node
// The `vigil` command. Runs the compiled build (dist/, made by `npm run build`, which `npm install`
// runs) when there is one; otherwise, or with VIGIL_FROM_SOURCE=1 (the tests, so they never run a
// stale build), the TypeScript sources through tsx's loader.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (process.env.VIGIL_FROM_SOURCE !== '1' && existsSync(compiled)) {
  main = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('../src/cli/main.ts');
}
await main.runCli(process.argv);
