// Ingest benchmark: Vigil's import (frame, parse, normalise, enrich, dedupe, store) against the
// naive loop every reader would write first — read lines, JSON.parse, insert the same columns
// with one prepared statement in batched transactions — on the same file, in the same run.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { importFiles } from '../src/ingest/pipeline.ts';
import { generateSignInLines } from '../src/simulate/sign-in-records.ts';
import { createTenantModel } from '../src/simulate/tenant-model.ts';
import { openStore } from '../src/store/open-store.ts';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

/** Samples resident memory while a phase runs. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024);
    },
  };
}

async function writeInput(path: string, count: number): Promise<void> {
  const model = createTenantModel({ seed: 7, principals: 400, managedIdentities: 60 });
  const out = createWriteStream(path, { highWaterMark: 1024 * 1024 });
  let buf = '';
  for (const line of generateSignInLines(model, {
    seed: 7,
    count,
    start: new Date('2026-10-01T00:00:00Z'),
    days: 30,
  })) {
    buf += line;
    if (buf.length > 1024 * 1024) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.once('finish', () => r()));
}

type Json = Record<string, unknown>;

/** The reference: the straightforward loop, no normalisation, no enrichment, no dedupe logic. */
async function reference(path: string, dbPath: string): Promise<number> {
  const db = new BetterSqlite3(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table sign_ins (tenant_id text not null, id text not null, kind text, created_at text,
    service_principal_id text, service_principal_name text, app_id text, ip_address text, asn integer,
    country text, state text, city text, resource_id text, resource_name text, resource_service_principal_id text,
    user_agent text, credential_type text, credential_key_id text, credential_thumbprint text,
    federated_credential_id text, status_code integer, failure_reason text, conditional_access_status text,
    request_id text, correlation_id text, msi_type text, associated_resource_id text, primary key (tenant_id, id))`);
  const stmt = db.prepare(`insert into sign_ins values (${new Array(27).fill('?').join(',')})`);
  const insertMany = db.transaction((rows: unknown[][]) => {
    for (const r of rows) stmt.run(r);
  });
  let rows: unknown[][] = [];
  let n = 0;
  const rl = createInterface({
    input: createReadStream(path, { highWaterMark: 256 * 1024 }),
    crlfDelay: Infinity,
  });
  for await (const line of rl) {
    if (line === '') continue;
    const rec = JSON.parse(line) as Json;
    const p = rec.properties as Json;
    const loc = (p.location ?? {}) as Json;
    const status = (p.status ?? {}) as Json;
    const msi = (p.managedServiceIdentity ?? {}) as Json;
    rows.push([
      rec.tenantId,
      p.id,
      rec.category,
      p.createdDateTime,
      p.servicePrincipalId,
      p.servicePrincipalName,
      p.appId,
      p.ipAddress,
      p.autonomousSystemNumber,
      loc.countryOrRegion,
      loc.state,
      loc.city,
      p.resourceId,
      p.resourceDisplayName,
      p.resourceServicePrincipalId,
      p.userAgent,
      p.clientCredentialType,
      p.servicePrincipalCredentialKeyId,
      p.servicePrincipalCredentialThumbprint,
      p.federatedCredentialId,
      status.errorCode,
      status.failureReason,
      p.conditionalAccessStatus,
      p.originalRequestId,
      p.correlationId,
      msi.msiType,
      msi.associatedResourceId,
    ]);
    n++;
    if (rows.length === 2000) {
      insertMany(rows);
      rows = [];
    }
  }
  if (rows.length) insertMany(rows);
  db.close();
  return n;
}

/** Runs the benchmark; `--records N` (default 200,000), `--keep` keeps the generated file. */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const records = flag(args, 'records', 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-ingest-'));
  try {
    const input = join(dir, 'PT1H.json');
    await writeInput(input, records);
    const bytes = statSync(input).size;
    console.error(
      `input: ${records} records, ${(bytes / 1e6).toFixed(1)} MB (${Math.round(bytes / records)} bytes each)`,
    );

    const refStart = performance.now();
    const refCount = await reference(input, join(dir, 'reference.db'));
    const refSeconds = (performance.now() - refStart) / 1000;
    const referencePerSecond = Math.round(refCount / refSeconds);
    console.error(`reference: ${referencePerSecond} records/s`);

    const store = await openStore({ databaseUrl: join(dir, 'vigil.db') });
    const rss = rssSampler();
    const start = performance.now();
    const result = await importFiles([input], {
      store,
      config: {
        defaultTenantId: '00000000-0000-0000-0000-000000000000',
        ingestBatchSize: 10000,
        maxRecordBytes: 256 * 1024,
        bodyLimitBytes: 64 * 1024 * 1024,
        ingestWorkers: true,
      },
      enrich: true,
    });
    const seconds = (performance.now() - start) / 1000;
    const peakRssMb = rss.stop();
    await store.close();
    if (result.stored !== records) throw new Error(`stored ${result.stored} of ${records} records`);
    const recordsPerSecond = Math.round(result.read / seconds);
    console.error(
      `vigil: ${recordsPerSecond} records/s, stored ${result.stored}, quarantined ${result.quarantined}`,
    );
    return {
      recordsPerSecond,
      referencePerSecond,
      ratio: Math.round((recordsPerSecond / referencePerSecond) * 100) / 100,
      peakRssMb,
      records,
      bytesPerRecord: Math.round(bytes / records),
    };
  } finally {
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}
