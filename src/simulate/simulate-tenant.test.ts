import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Credential } from '../domain/index.ts';
import { createIndicatorSet } from '../enrich/threat-intel/indicator-set.ts';
import { parsePlainList } from '../enrich/threat-intel/parse-plain-list.ts';
import { parseGraphApplication, parseGraphServicePrincipal } from '../ingest/formats/graph-inventory.ts';
import { matchLeak } from '../leaks/match-leak.ts';
import { parseGitleaksReport } from '../leaks/parse-gitleaks-report.ts';
import { ATTACKER_NETWORKS } from './attacker-networks.ts';
import { RUNNER_REGIONS } from './ci-runners.ts';
import type { SimulationLabels } from './labels.ts';
import { type SimulationSummary, simulateTenant } from './simulate-tenant.ts';
import { CLOUD_NETWORKS } from './tenant-model.ts';
import { OutputNotEmptyError } from './write-tenant.ts';

type SignIn = {
  time: string;
  category: string;
  properties: {
    servicePrincipalId: string;
    appOwnerTenantId: string;
    ipAddress: string;
    autonomousSystemNumber: number;
    location: { countryOrRegion: string };
    userAgent: string;
    resourceDisplayName: string;
    servicePrincipalCredentialKeyId: string;
    clientCredentialType: string;
    status: { errorCode: number };
  };
};
type ModifiedProperty = { displayName: string; oldValue: string | null; newValue: string | null };
type Audit = {
  time: string;
  properties: {
    activityDisplayName: string;
    activityDateTime: string;
    initiatedBy: {
      user?: { userPrincipalName: string };
      app?: { displayName: string; servicePrincipalId: string };
    };
    targetResources: { id: string; type: string; modifiedProperties: ModifiedProperty[] }[];
  };
};
type GraphCredential = { keyId: string; hint?: string; startDateTime: string; endDateTime: string };
type GraphObject = {
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
  keyCredentials: GraphCredential[];
  passwordCredentials: GraphCredential[];
};

const HOUR_MS = 3_600_000;
const ADMIN_UPN = /^(ops-admin|identity-admin|platform-engineering)@/;
const BLOB_PATH =
  /^insights-logs-(serviceprincipalsigninlogs|managedidentitysigninlogs|auditlogs)\/tenantId=[0-9a-f-]{36}\/y=\d{4}\/m=\d\d\/d=\d\d\/h=\d\d\/m=00\/PT1H\.json$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const path = join(dir, e);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

/** ms of an Entra time with seven fraction digits (the extra digits dropped). */
function ms(time: string): number {
  return Date.parse(`${time.slice(0, 23)}Z`);
}

/** KeyDescription keyIds added (new minus old) and removed (old minus new) by an audit event. */
function keyChanges(audit: Audit): { added: string[]; removed: string[] } {
  const description = audit.properties.targetResources[0]?.modifiedProperties.find(
    (m) => m.displayName === 'KeyDescription',
  );
  const ids = (v: string | null | undefined) =>
    (JSON.parse(v ?? '[]') as string[]).map((d) => /KeyIdentifier=([0-9a-f-]{36})/.exec(d)![1]!);
  const before = ids(description?.oldValue);
  const afterIds = ids(description?.newValue);
  return {
    added: afterIds.filter((k) => !before.includes(k)),
    removed: before.filter((k) => !afterIds.includes(k)),
  };
}

/** Every /24 prefix of a known network, with its ASN, country and region (or city). */
const PLACES = new Map<string, { asn: number; country: string; region: string }>();
for (const n of [...CLOUD_NETWORKS, ...RUNNER_REGIONS, ...ATTACKER_NETWORKS]) {
  const region = 'region' in n ? n.region : n.city;
  for (const cidr of n.prefixes) {
    PLACES.set(cidr.slice(0, cidr.lastIndexOf('.')), { asn: n.asn, country: n.countryOrRegion, region });
  }
}
const placeOf = (ip: string) => PLACES.get(ip.slice(0, ip.lastIndexOf('.')));

describe('simulateTenant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-simulate-'));
  let summary: SimulationSummary;
  let labels: SimulationLabels;
  let signIns: SignIn[];
  let audits: Audit[];
  let servicePrincipals: GraphObject[];
  let applications: GraphObject[];

  before(async () => {
    summary = await simulateTenant({ out: join(dir, 'tenant'), principals: 50, days: 14, seed: 3 });
    labels = summary.labels;
    const out = join(dir, 'tenant');
    const records = (container: string) =>
      filesUnder(join(out, container)).flatMap((f) => lines(f).map((l) => JSON.parse(l)));
    signIns = [
      ...records('insights-logs-serviceprincipalsigninlogs'),
      ...records('insights-logs-managedidentitysigninlogs'),
    ];
    audits = records('insights-logs-auditlogs');
    const pages = (file: string) =>
      lines(join(out, 'inventory', file)).flatMap((l) => (JSON.parse(l) as { value: GraphObject[] }).value);
    servicePrincipals = pages('servicePrincipals.json');
    applications = pages('applications.json');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes hourly PT1H.json blobs in the export layout, one record per line, in order within their hour', () => {
    const out = join(dir, 'tenant');
    const blobs = filesUnder(out)
      .map((f) => relative(out, f))
      .filter((f) => f.startsWith('insights-logs-'));
    assert.ok(blobs.length > 14 * 24, `${blobs.length} blobs`);
    let records = 0;
    for (const blob of blobs) {
      assert.match(blob, BLOB_PATH);
      const [, y, m, d, h] = /y=(\d+)\/m=(\d+)\/d=(\d+)\/h=(\d+)/.exec(blob)!;
      const hour = Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h));
      const times = lines(join(out, blob)).map((l) => (JSON.parse(l) as { time: string }).time);
      for (const t of times) assert.ok(ms(t) >= hour && ms(t) < hour + HOUR_MS, `${t} outside ${blob}`);
      assert.deepEqual(times, [...times].sort(), `${blob} out of order`);
      if (!blob.startsWith('insights-logs-auditlogs')) records += times.length;
    }
    assert.equal(records, labels.signIns);
    assert.equal(signIns.length, labels.signIns);
    assert.equal(audits.length, labels.auditEvents);
    assert.equal(labels.managedIdentities, 10);
    assert.equal(labels.end, new Date(Date.parse(labels.start) + 14 * 86_400_000).toISOString());
  });

  it('is the same tenant, byte for byte, for a seed, and another for another seed', async () => {
    const digest = async (name: string, seed: number) => {
      const out = join(dir, name);
      await simulateTenant({ out, principals: 20, days: 2, seed });
      const hash = createHash('sha256');
      for (const f of filesUnder(out).sort()) hash.update(relative(out, f)).update(readFileSync(f));
      return hash.digest('hex');
    };
    const first = await digest('a', 9);
    assert.equal(await digest('b', 9), first);
    assert.notEqual(await digest('c', 10), first);
  });

  it('labels attacks of every kind, each on its own principal from the inventory, in the second half', () => {
    const byId = new Map(servicePrincipals.map((s) => [s.id, s]));
    const kinds = new Set(labels.attacks.map((a) => a.kind));
    assert.deepEqual([...kinds].sort(), [
      'attackerCredential',
      'leakedExpiredSecret',
      'leakedSecret',
      'listedAddress',
      'offensiveTool',
      'passwordSpray',
      'stolenSecret',
    ]);
    const ids = [...labels.attacks, ...labels.targeted].map((a) => a.principalId);
    assert.equal(new Set(ids).size, ids.length, 'a principal labelled twice');
    const middle = Date.parse(labels.start) + (Date.parse(labels.end) - Date.parse(labels.start)) * 0.45;
    for (const a of [...labels.attacks, ...labels.targeted]) {
      const sp = byId.get(a.principalId);
      assert.ok(sp, `${a.kind} on ${a.principalId}, not in the inventory`);
      assert.equal(sp.appId, a.appId);
      assert.equal(sp.displayName, a.displayName);
      assert.ok(
        Date.parse(a.from) >= middle && Date.parse(a.from) < Date.parse(labels.end),
        `${a.kind} at ${a.from}`,
      );
    }
    for (const a of labels.attacks) {
      assert.equal(a.expectDetection, a.kind !== 'leakedExpiredSecret', a.kind);
      assert.equal(a.riskEventTypes.length > 0, a.expectDetection);
      assert.ok(a.keyIds.length > 0 && a.note.length > 0, `${a.kind} without keys or note`);
    }
    assert.ok(labels.targeted.length >= 14, `${labels.targeted.length} spray targets`);
  });

  it("puts each attack's sign-ins in the logs: its addresses and keys, from networks abroad", () => {
    for (const a of labels.attacks.filter((x) => x.ipAddresses.length > 0)) {
      const mine = signIns.filter((s) => s.properties.servicePrincipalId === a.principalId);
      const attack = mine.filter((s) => a.ipAddresses.includes(s.properties.ipAddress));
      const usual = mine.filter((s) => !a.ipAddresses.includes(s.properties.ipAddress));
      const succeeded = attack.filter((s) => s.properties.status.errorCode === 0);
      assert.ok(succeeded.length > 0, `${a.kind}: no successful sign-in from ${a.ipAddresses}`);
      for (const s of succeeded)
        assert.ok(a.keyIds.includes(s.properties.servicePrincipalCredentialKeyId), a.kind);
      const first = Math.min(...attack.map((s) => ms(s.time)));
      if (a.kind !== 'attackerCredential' && a.kind !== 'leakedSecret')
        assert.equal(first, Date.parse(a.from), a.kind);
      // A network of another owner, in a country the workload never signs in from.
      const usualCountries = new Set(usual.map((s) => s.properties.location.countryOrRegion));
      const usualAsns = new Set(usual.map((s) => s.properties.autonomousSystemNumber));
      for (const s of attack) {
        const place = placeOf(s.properties.ipAddress);
        assert.ok(
          ATTACKER_NETWORKS.some((n) => n.asn === place?.asn),
          `${a.kind}: ${s.properties.ipAddress}`,
        );
        assert.equal(s.properties.autonomousSystemNumber, place!.asn);
        assert.equal(s.properties.location.countryOrRegion, place!.country);
        assert.ok(
          !usualCountries.has(place!.country) && !usualAsns.has(place!.asn),
          `${a.kind} from a usual place`,
        );
      }
      if (a.kind === 'offensiveTool') {
        assert.ok(
          attack.every((s) => /roadtx|AADInternals|TokenTactics|GraphRunner/.test(s.properties.userAgent)),
          'an offensive-tool sign-in without the tool in its user agent',
        );
      }
    }
  });

  it('sprays one address across at least fifteen principals within an hour, then gets in', () => {
    const spray = labels.attacks.find((a) => a.kind === 'passwordSpray')!;
    const ip = spray.ipAddresses[0]!;
    const fromThere = signIns.filter((s) => s.properties.ipAddress === ip);
    const failed = fromThere.filter((s) => s.properties.status.errorCode !== 0);
    const start = Math.min(...failed.map((s) => ms(s.time)));
    assert.ok(
      failed.every((s) => ms(s.time) < start + HOUR_MS),
      'the spray lasted over an hour',
    );
    assert.ok(
      failed.every((s) => [7000215, 700027, 7000222, 700016].includes(s.properties.status.errorCode)),
      'a spray failure with another error code',
    );
    const tried = new Set(failed.map((s) => s.properties.servicePrincipalId));
    assert.ok(tried.size >= 15, `${tried.size} principals tried`);
    for (const t of labels.targeted.filter((x) => x.ipAddress === ip))
      assert.ok(tried.has(t.principalId), `${t.principalId} labelled targeted but not tried`);
    const winners = new Set(
      fromThere
        .filter((s) => s.properties.status.errorCode === 0)
        .map((s) => s.properties.servicePrincipalId),
    );
    const labelled = labels.attacks.filter((a) => a.kind === 'passwordSpray' && a.ipAddresses[0] === ip);
    assert.deepEqual([...winners].sort(), labelled.map((a) => a.principalId).sort());
  });

  it('lists the attacker address among thousands that no other sign-in comes from', () => {
    const text = readFileSync(join(dir, 'tenant', 'intel', 'indicators.txt'), 'utf8');
    const list = parsePlainList(text, { source: 'simulated' });
    assert.equal(list.rejected.length, 0);
    assert.ok(
      list.indicators.length >= 3000 && list.indicators.length === labels.indicators,
      `${list.indicators.length} indicators`,
    );
    const set = createIndicatorSet(list.indicators);
    const listed = new Set(
      labels.attacks.filter((a) => a.kind === 'listedAddress').flatMap((a) => a.ipAddresses),
    );
    const hits = new Set(
      signIns
        .filter((s) => s.properties.ipAddress !== '' && set.match(s.properties.ipAddress, s.time) !== null)
        .map((s) => s.properties.ipAddress),
    );
    assert.deepEqual([...hits].sort(), [...listed].sort());
  });

  it('adds an attacker credential by an unusual actor, then uses it from the attacker network within hours', () => {
    for (const a of labels.attacks.filter((x) => x.kind === 'attackerCredential')) {
      const [keyId] = a.keyIds;
      const addition = audits.find((e) => keyChanges(e).added.includes(keyId!));
      assert.ok(addition, 'no audit event adds the key');
      assert.equal(ms(addition.time), Date.parse(a.from));
      const by = addition.properties.initiatedBy;
      assert.ok(
        by.user
          ? !ADMIN_UPN.test(by.user.userPrincipalName)
          : by.app?.displayName !== 'Managed Service Identity',
        'an attacker credential added by a usual actor',
      );
      // The actor never managed credentials before.
      const actor = by.user?.userPrincipalName ?? by.app?.servicePrincipalId;
      const earlier = audits.filter(
        (e) =>
          ms(e.time) < ms(addition.time) &&
          (e.properties.initiatedBy.user?.userPrincipalName ??
            e.properties.initiatedBy.app?.servicePrincipalId) === actor,
      );
      assert.equal(earlier.length, 0);
      const uses = signIns.filter((s) => s.properties.servicePrincipalCredentialKeyId === keyId);
      assert.ok(uses.length > 0, 'the added key is never used');
      for (const s of uses) {
        assert.ok(a.ipAddresses.includes(s.properties.ipAddress), `used from ${s.properties.ipAddress}`);
        assert.equal(s.properties.clientCredentialType, 'clientSecret');
        const delay = ms(s.time) - ms(addition.time);
        assert.ok(delay > 0 && delay < 9 * HOUR_MS, `used ${delay} ms after`);
      }
      const listed = [...servicePrincipals, ...applications].flatMap((o) =>
        o.passwordCredentials.map((c) => c.keyId),
      );
      assert.ok(listed.includes(keyId!), 'the added key is not in the final inventory');
    }
  });

  it('leaks a live secret Vigil ties to its app, and an expired one it reports as stale', () => {
    const text = readFileSync(join(dir, 'tenant', 'leaks', 'gitleaks.json'), 'utf8');
    const parsed = parseGitleaksReport(text);
    assert.equal(parsed.leaks.length, 2);
    assert.ok(
      parsed.rejected.every((r) => r.skipped),
      'a report entry is unusable',
    );
    const credentials: Credential[] = [];
    const ownerAppIds = new Map<string, string>();
    for (const o of servicePrincipals) {
      const r = parseGraphServicePrincipal(o, labels.tenantId);
      assert.equal(r.kind, 'record');
      if (r.kind === 'record' && r.record.type === 'servicePrincipal')
        credentials.push(...r.record.credentials);
      ownerAppIds.set(o.id, o.appId);
    }
    for (const o of applications) {
      const r = parseGraphApplication(o, labels.tenantId);
      if (r.kind === 'record' && r.record.type === 'application') credentials.push(...r.record.credentials);
      ownerAppIds.set(o.id, o.appId);
    }
    const findings = JSON.parse(text) as { Secret: string; Match: string; Date: string }[];
    for (const kind of ['leakedSecret', 'leakedExpiredSecret'] as const) {
      const label = labels.attacks.find((a) => a.kind === kind)!;
      const leak = parsed.leaks.find((l) => l.foundAt === new Date(Date.parse(label.from)).toISOString());
      assert.ok(leak, `no leak found at ${label.from}`);
      const finding = findings.find((f) => f.Secret === leak.secret)!;
      assert.ok(
        finding.Match.includes(label.appId) && finding.Match.includes(labels.tenantId),
        'the leaked line does not name the app and tenant',
      );
      const match = matchLeak(leak, credentials, { now: labels.end, ownerAppIds });
      assert.equal(match.outcome, kind === 'leakedSecret' ? 'probable' : 'stale', match.how);
      assert.deepEqual(match.keyIds, label.keyIds);
      const credential = credentials.find((c) => c.keyId === label.keyIds[0])!;
      assert.equal(credential.hint, leak.secret!.slice(0, 3));
      if (kind === 'leakedExpiredSecret')
        assert.ok(
          Date.parse(credential.endDateTime!) < Date.parse(leak.foundAt!),
          'the stale secret was still valid when leaked',
        );
      else
        assert.ok(
          Date.parse(credential.endDateTime!) > Date.parse(labels.end),
          'the live secret expires within the period',
        );
    }
  });

  it('rotates keys as administrators do: an audit event by a usual admin, then sign-ins with the new key', () => {
    // Full rotations, where an admin adds a key; the others finish a rotation begun before the period.
    const rotations = labels.normalEvents.filter(
      (e) => e.kind === 'credentialRotation' && /^\S+ added /.test(e.note),
    );
    assert.ok(rotations.length > 0, 'no rotation');
    for (const r of rotations) {
      const event = audits.find((e) => ms(e.time) === Date.parse(r.at));
      assert.ok(event, `no audit event at ${r.at}`);
      assert.match(event.properties.initiatedBy.user!.userPrincipalName, ADMIN_UPN);
      const [added] = keyChanges(event).added;
      assert.ok(added, `the event at ${r.at} adds no key`);
      const uses = signIns
        .filter(
          (s) => s.properties.servicePrincipalId === r.principalId && s.properties.status.errorCode === 0,
        )
        .filter((s) => s.properties.servicePrincipalCredentialKeyId === added);
      assert.ok(uses.length > 0, `${r.principalId} never used ${added}`);
      assert.ok(
        uses.every((s) => ms(s.time) > Date.parse(r.at)),
        `${added} used before it was added`,
      );
      assert.ok(
        Math.min(...uses.map((s) => ms(s.time))) < Date.parse(r.at) + 9 * HOUR_MS,
        `${added} taken up more than 9 hours after it was added`,
      );
    }
  });

  it('never uses a key before it starts, after it ends, or after it is removed', () => {
    const validity = new Map<string, { start: number; end: number }>();
    for (const o of [...servicePrincipals, ...applications]) {
      for (const c of [...o.keyCredentials, ...o.passwordCredentials]) {
        validity.set(c.keyId, { start: Date.parse(c.startDateTime), end: Date.parse(c.endDateTime) });
      }
    }
    const removedAt = new Map<string, number>();
    for (const e of audits) for (const k of keyChanges(e).removed) removedAt.set(k, ms(e.time));
    let checked = 0;
    for (const s of signIns) {
      const keyId = s.properties.servicePrincipalCredentialKeyId;
      if (keyId === '') continue;
      const t = ms(s.time);
      const removed = removedAt.get(keyId);
      if (removed !== undefined) assert.ok(t < removed, `${keyId} used after its removal`);
      const v = validity.get(keyId);
      if (s.properties.status.errorCode === 7000222) {
        assert.ok(v && v.end < t, 'an expired-secret failure names a live key');
        continue;
      }
      assert.ok(v || removed !== undefined, `${keyId} is neither listed nor removed`);
      if (v) assert.ok(t >= v.start && t < v.end, `${keyId} used outside ${v.start}–${v.end}`);
      checked++;
    }
    assert.ok(checked > 1000, `only ${checked} keyed sign-ins`);
  });

  it('lives a normal life that tempts false positives, none of it labelled an attack', () => {
    const kinds = new Set(labels.normalEvents.map((e) => e.kind));
    for (const kind of [
      'credentialRotation',
      'sdkUpgrade',
      'newPrefix',
      'newRegion',
      'newResource',
      'ciRunner',
      'managedIdentityRotation',
      'createdMidPeriod',
    ]) {
      assert.ok(kinds.has(kind as never), `no ${kind}`);
    }
    const attacked = new Set(labels.attacks.map((a) => a.principalId));
    for (const e of labels.normalEvents)
      assert.ok(!attacked.has(e.principalId), `${e.kind} on an attacked principal`);
    const of = (id: string) => signIns.filter((s) => s.properties.servicePrincipalId === id);

    // CI runners: many /24s, one ASN, from the first day.
    const ci = labels.normalEvents.find((e) => e.kind === 'ciRunner')!;
    const runs = of(ci.principalId);
    assert.ok(
      new Set(runs.map((s) => s.properties.ipAddress.split('.').slice(0, 3).join('.'))).size >= 5,
      'CI runs from fewer than five /24s',
    );
    assert.ok(
      runs.every((s) => s.properties.autonomousSystemNumber === 8075),
      'a CI run outside AS8075',
    );
    assert.ok(
      Math.min(...runs.map((s) => ms(s.time))) < Date.parse(labels.start) + 3 * 86_400_000,
      'CI runs only began late',
    );

    // A new region: a second place, the same ASN.
    const region = labels.normalEvents.find((e) => e.kind === 'newRegion')!;
    const moved = of(region.principalId).filter((s) => s.properties.ipAddress !== '');
    assert.equal(new Set(moved.map((s) => s.properties.autonomousSystemNumber)).size, 1);
    const regions = (list: SignIn[]) => new Set(list.map((s) => placeOf(s.properties.ipAddress)!.region));
    const before = regions(moved.filter((s) => ms(s.time) < Date.parse(region.at)));
    const afterwards = regions(moved.filter((s) => ms(s.time) > Date.parse(region.at)));
    assert.equal(before.size, 1);
    assert.ok(
      [...afterwards].some((r) => !before.has(r)),
      'no sign-in from the new region',
    );

    // An SDK upgrade: the old user agent before, the new one after.
    const upgrade = labels.normalEvents.find((e) => e.kind === 'sdkUpgrade')!;
    const [from, to] = upgrade.note.split(' → ');
    // Spray attempts reach busy principals too; they carry the sprayer's user agent.
    const sprayed = new Set(labels.targeted.map((t) => t.ipAddress));
    for (const s of of(upgrade.principalId).filter((x) => !sprayed.has(x.properties.ipAddress))) {
      assert.equal(s.properties.userAgent, ms(s.time) < Date.parse(upgrade.at) ? from : to);
    }

    // A permission grant, then tokens for Microsoft Graph, never before.
    const grant = labels.normalEvents.find((e) => e.kind === 'newResource')!;
    assert.ok(
      audits.some(
        (e) =>
          e.properties.activityDisplayName === 'Add app role assignment to service principal' &&
          ms(e.time) === Date.parse(grant.at),
      ),
      'no app role assignment when the permission was granted',
    );
    const graph = of(grant.principalId).filter((s) => s.properties.resourceDisplayName === 'Microsoft Graph');
    assert.ok(
      graph.length > 0 && graph.every((s) => ms(s.time) > Date.parse(grant.at)),
      'Microsoft Graph tokens missing, or before the grant',
    );

    // Managed identity certificates renewed by the platform.
    const renewal = labels.normalEvents.find((e) => e.kind === 'managedIdentityRotation')!;
    const renewed = audits.filter((e) => e.properties.targetResources[0]?.id === renewal.principalId);
    assert.ok(renewed.length >= 2, 'no renewal audit events');
    assert.ok(
      renewed.every((e) => e.properties.initiatedBy.app?.displayName === 'Managed Service Identity'),
      'a renewal not by Managed Service Identity',
    );

    // A new application: in the inventory with its creation time, signing in only after it.
    const created = labels.normalEvents.find((e) => e.kind === 'createdMidPeriod')!;
    const sp = servicePrincipals.find((s) => s.id === created.principalId)!;
    assert.equal(sp.createdDateTime, `${created.at.slice(0, 19)}Z`);
    assert.ok(
      of(created.principalId).every((s) => ms(s.time) > Date.parse(created.at)),
      'a sign-in before the application existed',
    );

    // Failures from the workloads' own addresses, and vendors' multi-tenant apps signing in.
    const attackIps = new Set(labels.attacks.flatMap((a) => a.ipAddresses));
    const failures = signIns.filter(
      (s) => s.properties.status.errorCode !== 0 && !attackIps.has(s.properties.ipAddress),
    );
    const codes = new Set(failures.map((s) => s.properties.status.errorCode));
    assert.ok(codes.has(7000222) && codes.has(7000215), [...codes].join(','));
    for (const s of failures)
      assert.ok(
        CLOUD_NETWORKS.some((n) => n.asn === s.properties.autonomousSystemNumber),
        `a failure from AS${s.properties.autonomousSystemNumber}`,
      );
    assert.ok(
      signIns.some(
        (s) =>
          s.category === 'ServicePrincipalSignInLogs' && s.properties.appOwnerTenantId !== labels.tenantId,
      ),
      "no sign-in by another tenant's multi-tenant app",
    );
  });

  it('keeps every other address on the network, ASN and country enrichment will find for it', () => {
    const attackIps = new Set(labels.attacks.flatMap((a) => a.ipAddresses));
    for (const s of signIns) {
      const ip = s.properties.ipAddress;
      if (ip === '' || attackIps.has(ip)) continue;
      const place = placeOf(ip);
      assert.ok(place, `${ip} is on no known network`);
      assert.ok(!ATTACKER_NETWORKS.some((n) => n.asn === place.asn), `${ip} is an attacker's`);
      assert.equal(s.properties.autonomousSystemNumber, place.asn);
      assert.equal(s.properties.location.countryOrRegion, place.country);
    }
  });

  it('grows with principals and days', async () => {
    const size = async (name: string, principals: number, days: number) =>
      (await simulateTenant({ out: join(dir, name), principals, days, seed: 4 })).labels;
    const base = await size('s1', 20, 2);
    const wide = await size('s2', 40, 2);
    const long = await size('s3', 20, 4);
    assert.equal(wide.managedIdentities, 8);
    for (const [bigger, what] of [
      [wide, 'principals'],
      [long, 'days'],
    ] as const) {
      const ratio = bigger.signIns / base.signIns;
      assert.ok(ratio > 1.4 && ratio < 2.8, `twice the ${what}: ${ratio.toFixed(2)}× the sign-ins`);
    }
  });

  it('refuses to write over a directory in use, and replaces only its own files when asked', async () => {
    const out = join(dir, 'r');
    await simulateTenant({ out, principals: 20, days: 2, seed: 1 });
    writeFileSync(join(out, 'notes.txt'), 'mine');
    await assert.rejects(simulateTenant({ out, principals: 20, days: 1, seed: 1 }), OutputNotEmptyError);
    const again = await simulateTenant({ out, principals: 20, days: 1, seed: 1, replace: true });
    assert.equal(again.labels.days, 1);
    const days = readdirSync(
      join(
        out,
        'insights-logs-serviceprincipalsigninlogs',
        `tenantId=${again.labels.tenantId}`,
        'y=2026',
        'm=06',
      ),
    );
    assert.deepEqual(days, ['d=01']);
    assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine');
  });
});
