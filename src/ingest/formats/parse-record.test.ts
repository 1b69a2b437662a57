import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadFormatFixture } from '../../../test/fixtures/formats/load-format-fixture.ts';
import type { ParseOutcome } from '../../domain/index.ts';
import { envelopeItems, parseRecord } from './parse-record.ts';

const ctx = { tenantId: '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14' };

/** The expected-counts table of the fixtures README, row by row. */
function readmeCounts(): { file: string; counts: Record<string, number> }[] {
  const text = readFileSync(new URL('../../../test/fixtures/formats/README.md', import.meta.url), 'utf8');
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  const header = lines.find((l) => l.includes('| read |'));
  assert.ok(header, 'README has a counts table');
  const columns = header.split('|').map((c) => c.trim());
  return lines
    .slice(lines.indexOf(header) + 2)
    .filter((l) => l.startsWith('| `'))
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      const counts: Record<string, number> = {};
      columns.forEach((name, i) => {
        if (i > 2 && name !== '') counts[name] = Number(cells[i]);
      });
      return { file: (cells[1] ?? '').replaceAll('`', ''), counts };
    });
}

test('every fixture gives exactly the counts its README lists', () => {
  const rows = readmeCounts();
  assert.equal(rows.length, 9);
  for (const { file, counts } of rows) {
    const { items, brokenLines } = loadFormatFixture(file);
    const actual = {
      read: items.length + brokenLines.length,
      records: 0,
      skipped: 0,
      quarantined: brokenLines.length,
      signIns: 0,
      audits: 0,
      inventory: 0,
      credentialChanges: 0,
      credentials: 0,
    };
    for (const item of items) {
      const outcome = parseRecord(item, ctx);
      if (outcome.kind === 'skipped') actual.skipped++;
      else if (outcome.kind === 'quarantined') actual.quarantined++;
      else {
        actual.records++;
        const r = outcome.record;
        if (r.type === 'signIn') actual.signIns++;
        else if (r.type === 'audit') {
          actual.audits++;
          actual.credentialChanges += r.credentialChanges.length;
        } else {
          actual.inventory++;
          actual.credentials += r.credentials.length;
        }
      }
    }
    assert.deepEqual(actual, counts, file);
  }
});

test('records are routed to the parser of their format', () => {
  const formatOf = (file: string, index = 0): ParseOutcome['format'] =>
    parseRecord(loadFormatFixture(file).items[index], ctx).format;
  assert.equal(formatOf('storage-pt1h-service-principal-sign-ins.json'), 'entraDiagnostic');
  assert.equal(formatOf('event-hub-message.json', 3), 'entraDiagnostic');
  assert.equal(formatOf('log-analytics-rows.ndjson'), 'logAnalytics');
  assert.equal(formatOf('log-analytics-export.json', 3), 'logAnalytics');
  assert.equal(formatOf('graph-sign-ins-page.json'), 'graphSignIn');
  assert.equal(formatOf('graph-directory-audits.json'), 'graphDirectoryAudit');
  assert.equal(formatOf('graph-service-principals-page.json'), 'graphServicePrincipal');
  assert.equal(formatOf('graph-applications-page.json'), 'graphApplication');
});

test('the broken PT1H.json quarantines the record without a service principal', () => {
  const { items, brokenLines } = loadFormatFixture('storage-pt1h-with-errors.json');
  assert.deepEqual(brokenLines, [3]);
  assert.deepEqual(parseRecord(items[2], ctx), {
    kind: 'quarantined',
    format: 'entraDiagnostic',
    reason: 'missing servicePrincipalId',
  });
});

test('an explicit @odata.type decides; other Graph types are skipped by type name', () => {
  const [sp] = loadFormatFixture('graph-service-principals-page.json').items;
  const typed = { ...(sp as object), '@odata.type': '#microsoft.graph.servicePrincipal' };
  assert.equal(parseRecord(typed, ctx).format, 'graphServicePrincipal');
  assert.deepEqual(parseRecord({ '@odata.type': '#microsoft.graph.user', id: 'x' }, ctx), {
    kind: 'skipped',
    format: null,
    category: 'user',
  });
});

test('values that are not records are quarantined with what they were', () => {
  const cases: [unknown, string][] = [
    [null, 'not an object: got null'],
    [42, 'not an object: got number 42'],
    ['{"id":1}', `not an object: got string '{"id":1}'`],
    [[{ id: 1 }], 'not an object: got an array'],
    [{}, 'unrecognised record shape: empty object'],
    [{ foo: 1, bar: 2 }, 'unrecognised record shape: keys foo, bar'],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 }, 'unrecognised record shape: keys a, b, c, d, e, f, …'],
    [{ records: [] }, 'unrecognised record shape: an envelope nested inside a record'],
  ];
  for (const [value, reason] of cases)
    assert.deepEqual(parseRecord(value, ctx), { kind: 'quarantined', format: null, reason });
});

test('envelopeItems recognises Event Hub envelopes and Graph pages, not records', () => {
  assert.deepEqual(envelopeItems({ records: [1, 2] }), { key: 'records', items: [1, 2] });
  assert.deepEqual(
    envelopeItems({
      '@odata.context': 'x',
      value: [1],
      '@odata.nextLink': 'y',
      '@microsoft.graph.tips': 'z',
    }),
    { key: 'value', items: [1] },
  );
  assert.deepEqual(envelopeItems({ value: [] }), { key: 'value', items: [] });
  // A record that happens to hold a `value` array is not a page.
  assert.equal(envelopeItems({ key: 'User-Agent', value: ['x'] }), null);
  assert.equal(envelopeItems({ value: 'x' }), null);
  assert.equal(envelopeItems([{ records: [] }]), null);
  assert.equal(envelopeItems(null), null);
});

/** Deterministic PRNG (mulberry32), so a failing fuzz case can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const HUGE = 'A'.repeat(2_000_000);
const FIELDS = [
  'id',
  'time',
  'category',
  'properties',
  'tenantId',
  'resultType',
  'createdDateTime',
  'servicePrincipalId',
  'status',
  'errorCode',
  'ipAddress',
  'location',
  'countryOrRegion',
  'signInEventTypes',
  'managedServiceIdentity',
  'msiType',
  'activityDateTime',
  'activityDisplayName',
  'initiatedBy',
  'user',
  'app',
  'targetResources',
  'modifiedProperties',
  'displayName',
  'oldValue',
  'newValue',
  'additionalDetails',
  'result',
  'Type',
  'TimeGenerated',
  'Id',
  'ServicePrincipalId',
  'ResultType',
  'IPAddress',
  'LocationDetails',
  'TargetResources',
  'InitiatedBy',
  'keyCredentials',
  'passwordCredentials',
  'federatedIdentityCredentials',
  'keyId',
  'customKeyIdentifier',
  'servicePrincipalType',
  'appId',
  'signInAudience',
  '@odata.type',
  'records',
  'value',
];
const STRINGS = [
  '',
  ' ',
  'null',
  '0',
  '-',
  '7000222',
  'ServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
  'AuditLogs',
  'AADServicePrincipalSignInLogs',
  'AADManagedIdentitySignInLogs',
  'servicePrincipal',
  'managedIdentity',
  'success',
  'Add service principal credentials',
  'KeyDescription',
  'FederatedIdentityCredentials',
  '[KeyIdentifier=',
  '[]',
  '{}',
  '[{',
  '2025-03-11T14:02:17.4829137Z',
  '2/29/2023 1:00:00 PM',
  '075.050.255.67',
  '::ffff:1.2.3.4',
  'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93',
  '#microsoft.graph.signIn',
  'Application',
  '\u0000\ud800',
  HUGE,
];

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 4 || r < 0.3) {
    const s = next();
    if (s < 0.15) return null;
    if (s < 0.25) return Math.floor(next() * 1e10) * (next() < 0.5 ? -1 : 1);
    if (s < 0.3) return next() < 0.5;
    if (s < 0.35) return next() * 1e308;
    return STRINGS[Math.floor(next() * STRINGS.length)];
  }
  if (r < 0.5) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(next() * 8);
  for (let i = 0; i < n; i++) o[FIELDS[Math.floor(next() * FIELDS.length)]!] = randomValue(next, depth + 1);
  return o;
}

/** Replaces one value somewhere inside `root` with a random one. */
function mutate(root: unknown, next: () => number): void {
  let node = root;
  for (let depth = 0; depth < 6; depth++) {
    if (typeof node !== 'object' || node === null) return;
    const keys = Object.keys(node);
    if (keys.length === 0) return;
    const key = keys[Math.floor(next() * keys.length)]!;
    const child = (node as Record<string, unknown>)[key];
    if (next() < 0.35 || typeof child !== 'object' || child === null) {
      (node as Record<string, unknown>)[key] = randomValue(next, 3);
      return;
    }
    node = child;
  }
}

function assertOutcome(outcome: ParseOutcome, input: unknown): void {
  assert.ok(['record', 'skipped', 'quarantined'].includes(outcome.kind));
  // The backstop in parseRecord must never be what caught a bad value: the parsers validate instead.
  if (outcome.kind === 'quarantined' && outcome.reason.startsWith('parser error')) {
    assert.fail(`${outcome.reason} for ${JSON.stringify(input)?.slice(0, 300)}`);
  }
}

test('never throws: random JSON values', () => {
  const next = random(20250311);
  for (let i = 0; i < 3000; i++) {
    const value = randomValue(next, 0);
    assertOutcome(parseRecord(value, ctx), value);
  }
});

test('never throws: real records with random parts replaced', () => {
  const next = random(7000222);
  const files = readmeCounts().map((r) => r.file);
  const originals = files.flatMap((f) => loadFormatFixture(f).items);
  for (let i = 0; i < 4000; i++) {
    const record = structuredClone(originals[i % originals.length]);
    const mutations = 1 + Math.floor(next() * 3);
    for (let m = 0; m < mutations; m++) mutate(record, next);
    assertOutcome(parseRecord(record, ctx), record);
  }
});

test('never throws: nulls everywhere', () => {
  const files = readmeCounts().map((r) => r.file);
  for (const item of files.flatMap((f) => loadFormatFixture(f).items)) {
    const nulled = JSON.parse(JSON.stringify(item), (key, v) =>
      key === '' || key === 'category' || key === 'Type' ? v : null,
    );
    assertOutcome(parseRecord(nulled, ctx), nulled);
    const props = (nulled as Record<string, unknown>).properties;
    if (props === null) assertOutcome(parseRecord({ ...(item as object), properties: {} }, ctx), item);
  }
});
