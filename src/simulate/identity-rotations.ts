import { managedIdentityOwner, managedServiceIdentityInitiator } from './audit-records.ts';
import { credentialChangeAudit } from './credential-change-audit.ts';
import type { LifePlanning } from './life-planning.ts';
import type { Random } from './random.ts';
import { certificateCredential } from './tenant-model.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Managed identity certificates are renewed by the platform about every 46 days: the 'Managed
 * Service Identity' app adds the new certificate and, minutes later, removes the expired one.
 */
export function planIdentityRotations(lp: LifePlanning): void {
  const { model, rnd, period, ledger } = lp;
  for (const mi of model.managedIdentities) {
    const owner = managedIdentityOwner(mi);
    const by = (r: Random) => managedServiceIdentityInitiator(model, r, mi);
    const held = [...mi.credentials].sort((a, b) => a.startDateTime.localeCompare(b.startDateTime));
    const newest = Date.parse(held[held.length - 1]!.startDateTime);
    for (let at = newest + 46 * DAY_MS + rnd.int(0, 12) * HOUR_MS; at < period.end; at += 46 * DAY_MS) {
      if (at < period.start) continue;
      const cert = certificateCredential(rnd, 'servicePrincipal', mi.appId, at, 90, at);
      ledger.add(mi.objectId, cert, at);
      lp.audits.push(credentialChangeAudit(model, ledger, mi.objectId, owner, at, by));
      const oldest = held.shift()!;
      const removeAt = at + rnd.int(2, 10) * MINUTE_MS;
      ledger.remove(mi.objectId, oldest.keyId, removeAt);
      lp.audits.push(credentialChangeAudit(model, ledger, mi.objectId, owner, removeAt, by));
      held.push(cert);
      lp.label(
        mi,
        'managedIdentityRotation',
        at,
        `Managed Service Identity added certificate ${cert.keyId} and removed ${oldest.keyId}`,
      );
    }
  }
}
