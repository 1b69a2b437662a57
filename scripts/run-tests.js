#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's test runner, after building dist/ for the
// `vigil` processes the tests start. Node 20's `--test` expands no globs, so the file list is built
// here. Extra arguments filter the files by path.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [...collect('src', []), ...collect('test', [])]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The tests start `vigil` as a child process hundreds of times. From the sources, every start
// compiles each module it loads again (about a second more per process); so the build is made fresh
// here and the children run it. A test file run on its own, without this script, starts them from
// the sources, since its build may be stale.
const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('the build failed: the tests run the compiled `vigil`, so they do not start');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', VIGIL_TEST_FRESH_BUILD: '1' } },
);
await dropTestSchemas();
process.exit(result.status ?? 1);

/**
 * Store tests on PostgreSQL each work in a schema of their own (`t_` and 12 hex digits) and leave it
 * behind: dropping schemas while other test processes migrate would race with them. They are dropped
 * here, once nothing runs.
 */
async function dropTestSchemas() {
  if (!(process.env.VIGIL_TEST_DIALECTS ?? 'postgres').includes('postgres')) return;
  const { default: pg } = await import('pg');
  const url = process.env.VIGIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query(
      "select nspname from pg_namespace where nspname ~ '^t_[0-9a-f]{12}$'",
    );
    for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
  } catch (err) {
    console.error(`could not drop the test schemas: ${err.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}
