// Export benchmark: a backlog of risk detections (ServicePrincipalRiskEvents records, rendered as
// the delivery engine renders them) delivered in the engine's batches into the `storage` and
// `eventHub` destinations, each against the bare loop anyone would write for the same job, in the
// same run:
//   storage   per batch: stringify each envelope, group the lines by hourly blob, one append per
//             file on a kept-open descriptor, then one fdatasync per file, all in flight together —
//             the same bytes in the same files with the same durability per batch, and none of the
//             destination's checks.
//   eventHub  per batch: stringify, pack into `{"records":[…]}` messages under the same bound, and
//             publish each with an awaited JetStream ack — the same bodies, without message ids
//             (so the stream's duplicate tracking is charged to the destination alone).
// Each side runs three times, alternating, and the better run counts: page cache and the NATS server's
// own writes make a single run noisy.
// Options: --records <n> (default 200000), --quick (20000), --seed <n>, --nats <url>.
import { createHash } from 'node:crypto';
import {
  closeSync,
  fdatasync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { type JetStreamManager, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { riskDetectionJson } from '../src/api/graph/risk-shapes.ts';
import type { Destination, ExportEnvelope, ExportRecord } from '../src/exports/destination.ts';
import { eventHubDestination } from '../src/exports/destinations/event-hub.ts';
import { storageDestination } from '../src/exports/destinations/storage.ts';
import { createRandom, type Random } from '../src/simulate/random.ts';
import type { RiskDetectionTable } from '../src/store/schema.ts';

const TARGET_RATIO = 0.5;
const datasync = promisify(fdatasync);
const RUNS = 3;
// What the destination uses unless the server allows less (its max_payload, less header room).
const EVENT_HUB_MAX_BYTES = 1024 * 1024;
const HEADER_ROOM = 128;

function numberFlag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0 || args[i + 1] === undefined) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} needs a positive integer`);
  return n;
}

function stringFlag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

interface Principal {
  id: string;
  appId: string;
  name: string;
  keyIds: string[];
}

const CITIES = [
  { city: 'Amsterdam', state: 'Noord-Holland', countryOrRegion: 'NL', prefix: '20.50' },
  { city: 'Dublin', state: 'Dublin', countryOrRegion: 'IE', prefix: '52.169' },
  { city: 'Ashburn', state: 'Virginia', countryOrRegion: 'US', prefix: '3.236' },
  { city: 'Frankfurt am Main', state: 'Hessen', countryOrRegion: 'DE', prefix: '35.198' },
  { city: 'Singapore', state: 'Singapore', countryOrRegion: 'SG', prefix: '159.89' },
  { city: 'Moscow', state: 'Moscow', countryOrRegion: 'RU', prefix: '185.220' },
];
const ORGS = [
  { asn: 8075, asOrg: 'MICROSOFT-CORP-MSN-AS-BLOCK', hosting: true, provider: 'Microsoft' },
  { asn: 16509, asOrg: 'AMAZON-02', hosting: true, provider: 'Amazon' },
  { asn: 15169, asOrg: 'GOOGLE', hosting: true, provider: 'Google' },
  { asn: 14061, asOrg: 'DIGITALOCEAN-ASN', hosting: true, provider: 'DigitalOcean' },
  { asn: 3320, asOrg: 'Deutsche Telekom AG', hosting: false, provider: null },
];
const TYPES = [
  ['suspiciousSignins', 0.55],
  ['investigationsThreatIntelligence', 0.15],
  ['leakedCredentials', 0.1],
  ['unusualCredentialAddition', 0.1],
  ['passwordSpray', 0.05],
  ['offensiveTools', 0.05],
] as const;

function pickType(rnd: Random): string {
  let roll = rnd.next();
  for (const [type, share] of TYPES) {
    roll -= share;
    if (roll < 0) return type;
  }
  return TYPES[0][0];
}

/** What a detection explains about itself: reason, the unusual values against the baseline, evidence. */
function additionalInfo(rnd: Random, type: string, ip: string, at: string): string {
  const org = rnd.pick(ORGS);
  const signIns = rnd.int(1, 6);
  return JSON.stringify([
    {
      Key: 'reason',
      Value:
        type === 'suspiciousSignins'
          ? 'Sign-ins with an IP address and ASN never seen for this principal, from a hosting provider.'
          : `Activity matched ${type} at ${at}.`,
    },
    {
      Key: 'unusual',
      Value: [
        {
          property: 'asn',
          signal: 'asn',
          weight: 2,
          value: String(org.asn),
          familiarOwner: false,
          baseline: [{ value: '8075', count: rnd.int(50, 4000), lastSeen: at }],
          valuesInBaseline: rnd.int(1, 4),
        },
      ],
    },
    { Key: 'network', Value: { ipAddress: ip, ...org } },
    { Key: 'signIns', Value: signIns },
    { Key: 'contributingSignInIds', Value: Array.from({ length: Math.min(signIns, 3) }, () => rnd.guid()) },
  ]);
}

/** The backlog: detections over three days in two tenants, in the order the outbox holds them. */
function buildBacklog(count: number, seed: number): ExportRecord[] {
  const rnd = createRandom(seed);
  const tenants = [rnd.guid(), rnd.guid()];
  const principals: Principal[] = Array.from({ length: 2000 }, (_, i) => ({
    id: rnd.guid(),
    appId: rnd.guid(),
    name: `${rnd.pick(['contoso', 'fabrikam', 'northwind', 'tailspin'])}-${rnd.pick(['billing', 'payroll', 'crm', 'etl', 'backup', 'deploy'])}-${i}`,
    keyIds: Array.from({ length: rnd.int(1, 3) }, () => rnd.guid()),
  }));
  const start = Date.parse('2026-10-10T00:00:00.000Z');
  const spanMs = 3 * 24 * 3600_000;
  const shape = { version: 'beta', includeUnknownEnumMembers: true } as const;
  const records: ExportRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const p = rnd.pick(principals);
    const tenantId = rnd.chance(0.8) ? tenants[0]! : tenants[1]!;
    const updated = new Date(start + Math.floor((i / count) * spanMs) + rnd.int(0, 999)).toISOString();
    const activity = new Date(Date.parse(updated) - rnd.int(60_000, 6 * 3600_000)).toISOString();
    const place = rnd.pick(CITIES);
    const ip = `${place.prefix}.${rnd.int(0, 255)}.${rnd.int(1, 254)}`;
    const type = pickType(rnd);
    const signIn = type !== 'unusualCredentialAddition' && type !== 'leakedCredentials';
    const row: RiskDetectionTable = {
      tenant_id: tenantId,
      id: rnd.hex(52),
      principal_id: p.id,
      risk_event_type: type,
      risk_level: rnd.pick(['low', 'medium', 'medium', 'high']),
      risk_state: rnd.chance(0.9) ? 'atRisk' : 'dismissed',
      risk_detail: 'none',
      activity: signIn ? 'signin' : 'servicePrincipal',
      activity_date_time: activity,
      detected_date_time: updated,
      last_updated_date_time: updated,
      ip_address: signIn ? ip : null,
      location: signIn
        ? JSON.stringify({ city: place.city, state: place.state, countryOrRegion: place.countryOrRegion })
        : null,
      key_ids: JSON.stringify([rnd.pick(p.keyIds)]),
      request_id: signIn ? rnd.guid() : null,
      correlation_id: signIn ? rnd.guid() : null,
      additional_info: additionalInfo(rnd, type, ip, activity),
    };
    const properties = riskDetectionJson(
      row,
      {
        app_id: p.appId,
        display_name: p.name,
        kind: 'application',
        service_principal_type: 'Application',
        account_enabled: 1,
      },
      shape,
    );
    const recordId = `${row.id}@${updated}`;
    const envelope: ExportEnvelope = {
      time: updated,
      resourceId: `/tenants/${tenantId}/providers/Microsoft.aadiam`,
      operationName: 'Service principal risk detection',
      operationVersion: '1.0',
      category: 'ServicePrincipalRiskEvents',
      tenantId,
      ...(row.ip_address ? { callerIpAddress: row.ip_address } : {}),
      recordId,
      properties,
    };
    records[i] = { id: recordId, category: 'ServicePrincipalRiskEvents', tenantId, time: updated, envelope };
  }
  return records;
}

async function timed(body: () => Promise<void> | void): Promise<number> {
  const started = performance.now();
  await body();
  return performance.now() - started;
}

async function deliverAll(destination: Destination, records: readonly ExportRecord[]): Promise<void> {
  try {
    for (let i = 0; i < records.length; i += destination.maxBatch) {
      await destination.send(records.slice(i, i + destination.maxBatch));
    }
  } finally {
    await destination.close();
  }
}

/** The bare storage loop: same grouping, same bytes, one fdatasync per file per batch. */
async function bareStorage(dir: string, records: readonly ExportRecord[], batch: number): Promise<void> {
  const fds = new Map<string, number>();
  try {
    for (let i = 0; i < records.length; i += batch) {
      const groups = new Map<string, string[]>();
      const touched: number[] = [];
      for (let k = i; k < Math.min(i + batch, records.length); k++) {
        const r = records[k]!;
        const t = r.time;
        const path = `insights-logs-${r.category.toLowerCase()}/tenantId=${r.tenantId}/y=${t.slice(0, 4)}/m=${t.slice(5, 7)}/d=${t.slice(8, 10)}/h=${t.slice(11, 13)}/m=00/PT1H.json`;
        const line = JSON.stringify(r.envelope);
        const lines = groups.get(path);
        if (lines) lines.push(line);
        else groups.set(path, [line]);
      }
      for (const [path, lines] of groups) {
        let fd = fds.get(path);
        if (fd === undefined) {
          const full = join(dir, path);
          mkdirSync(dirname(full), { recursive: true });
          fd = openSync(full, 'a');
          fds.set(path, fd);
        }
        writeSync(fd, `${lines.join('\n')}\n`);
        touched.push(fd);
      }
      // As many syncs in flight as the destination may have: the ratio then measures its own work,
      // not a difference in I/O concurrency.
      await Promise.all(touched.map((fd) => datasync(fd)));
    }
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
}

/** Files under a directory with their sizes, to check both sides wrote the same bytes. */
function layout(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(dir, p)} ${statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

/**
 * The bare NATS loop: its own connection (the destination connects too), the same
 * `{"records":[…]}` bodies under the same bound, each ack awaited, then drained.
 */
async function bareEventHub(
  url: string,
  subject: string,
  records: readonly ExportRecord[],
  batch: number,
  maxBytes: number,
): Promise<void> {
  const nc = await connect({ servers: url });
  const js = jetstream(nc);
  for (let i = 0; i < records.length; i += batch) {
    const lines = records.slice(i, i + batch).map((r) => JSON.stringify(r.envelope));
    let body = '';
    let bytes = 0;
    for (const line of lines) {
      const size = Buffer.byteLength(line);
      if (body !== '' && bytes + 1 + size + 2 > maxBytes) {
        await js.publish(subject, `${body}]}`);
        body = '';
      }
      if (body === '') {
        body = `{"records":[${line}`;
        bytes = 12 + size;
      } else {
        body += `,${line}`;
        bytes += 1 + size;
      }
    }
    if (body !== '') await js.publish(subject, `${body}]}`);
  }
  await nc.drain();
}

async function freshStream(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
  await jsm.streams.delete(name).catch(() => {});
  await jsm.streams.add({
    name,
    subjects: [subject],
    storage: StorageType.File,
    duplicate_window: nanos(15 * 60_000),
  });
}

const perSecond = (records: number, ms: number) => Math.round(records / (ms / 1000));
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/** Runs the export benchmark; returns the figures the runner prints as the last line. */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const count = args.includes('--quick') ? 20_000 : numberFlag(args, 'records', 200_000);
  const seed = numberFlag(args, 'seed', 20261127);
  const natsUrl = stringFlag(args, 'nats', process.env.VIGIL_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222');

  const builtAt = performance.now();
  const records = buildBacklog(count, seed);
  const built = performance.now() - builtAt;
  let totalBytes = 0;
  for (const r of records) totalBytes += Buffer.byteLength(JSON.stringify(r.envelope)) + 1;
  console.error(
    `backlog     ${count} ServicePrincipalRiskEvents records, ${mb(totalBytes)} MB as lines (${Math.round(totalBytes / count)} B each), built in ${(built / 1000).toFixed(1)} s`,
  );

  // Storage.
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-export-'));
  let storage: { recordsPerSecond: number; referencePerSecond: number; ratio: number };
  try {
    const storageBatch = storageDestination.create({ path: dir }, { settingName: 'bench' }).maxBatch;
    let best = Number.POSITIVE_INFINITY;
    let bestReference = Number.POSITIVE_INFINITY;
    for (let runNo = 0; runNo < RUNS; runNo++) {
      const refDir = join(dir, `reference-${runNo}`);
      const destDir = join(dir, `destination-${runNo}`);
      bestReference = Math.min(bestReference, await timed(() => bareStorage(refDir, records, storageBatch)));
      best = Math.min(
        best,
        await timed(() =>
          deliverAll(storageDestination.create({ path: destDir }, { settingName: 'bench' }), records),
        ),
      );
      if (layout(refDir) !== layout(destDir)) throw new Error('storage: the two sides wrote different files');
      rmSync(refDir, { recursive: true, force: true });
      rmSync(destDir, { recursive: true, force: true });
    }
    const recordsPerSecond = perSecond(count, best);
    const referencePerSecond = perSecond(count, bestReference);
    storage = { recordsPerSecond, referencePerSecond, ratio: round(recordsPerSecond / referencePerSecond) };
    console.error(
      `storage     batches of ${storageBatch}: ${recordsPerSecond}/s (${(best / 1000).toFixed(2)} s); bare append loop ${referencePerSecond}/s (${(bestReference / 1000).toFixed(2)} s); ratio ${storage.ratio}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Event Hub on NATS JetStream.
  const nc = await connect({ servers: natsUrl, name: 'vigil bench export' });
  const jsm = await jetstreamManager(nc);
  const tag = createHash('sha256').update(`${process.pid}:${Date.now()}`).digest('hex').slice(0, 8);
  const streams = { destination: `vigil_bench_${tag}_d`, reference: `vigil_bench_${tag}_r` };
  const subjects = { destination: `vigil.bench.${tag}.d`, reference: `vigil.bench.${tag}.r` };
  let eventHub: { recordsPerSecond: number; referencePerSecond: number; ratio: number };
  try {
    const maxBytes = Math.min(
      EVENT_HUB_MAX_BYTES,
      (nc.info?.max_payload ?? EVENT_HUB_MAX_BYTES) - HEADER_ROOM,
    );
    const settings = { servers: natsUrl, stream: streams.destination, subject: subjects.destination };
    const hubBatch = eventHubDestination.create(settings, { settingName: 'bench' }).maxBatch;
    let best = Number.POSITIVE_INFINITY;
    let bestReference = Number.POSITIVE_INFINITY;
    let messages = { destination: 0, reference: 0 };
    for (let runNo = 0; runNo < RUNS; runNo++) {
      await freshStream(jsm, streams.reference, subjects.reference);
      bestReference = Math.min(
        bestReference,
        await timed(() => bareEventHub(natsUrl, subjects.reference, records, hubBatch, maxBytes)),
      );
      await freshStream(jsm, streams.destination, subjects.destination);
      best = Math.min(
        best,
        await timed(() =>
          deliverAll(eventHubDestination.create(settings, { settingName: 'bench' }), records),
        ),
      );
      messages = {
        destination: (await jsm.streams.info(streams.destination)).state.messages,
        reference: (await jsm.streams.info(streams.reference)).state.messages,
      };
      if (messages.destination !== messages.reference) {
        throw new Error(
          `eventHub: ${messages.destination} messages against the reference's ${messages.reference}`,
        );
      }
    }
    const recordsPerSecond = perSecond(count, best);
    const referencePerSecond = perSecond(count, bestReference);
    eventHub = { recordsPerSecond, referencePerSecond, ratio: round(recordsPerSecond / referencePerSecond) };
    console.error(
      `eventHub    batches of ${hubBatch}, ${messages.destination} messages of at most ${maxBytes} B: ${recordsPerSecond}/s (${(best / 1000).toFixed(2)} s); bare JetStream loop ${referencePerSecond}/s (${(bestReference / 1000).toFixed(2)} s); ratio ${eventHub.ratio}`,
    );
  } finally {
    for (const s of Object.values(streams)) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
  }

  return {
    records: count,
    storage,
    eventHub,
    target: TARGET_RATIO,
    met: storage.ratio >= TARGET_RATIO && eventHub.ratio >= TARGET_RATIO,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
