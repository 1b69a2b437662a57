#!/usr/bin/env node
// The `vigil` command. Sources are TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv);
