// Benchmark entry: `npm run bench -- <name> [options]`. Each bench/<name>.ts exports `run(args)`
// returning a flat record; the runner prints it as the last line, as JSON, so scripts can read it.
const names = ['ingest', 'enrich', 'detect', 'api', 'authz', 'export', 'console'] as const;

const [name, ...args] = process.argv.slice(2);
if (!name || !(names as readonly string[]).includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [options]`);
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { run(args: string[]): Promise<Record<string, unknown>> };
const result = await mod.run(args);
console.log(JSON.stringify({ bench: name, ...result }));
