// Worker threads do not inherit the TypeScript loader on Node 20: register it, then load the
// worker module named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
