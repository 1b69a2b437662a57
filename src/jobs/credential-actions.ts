import { randomUUID, X509Certificate } from 'node:crypto';

import { DirectoryError } from '../connectors/directory-error.ts';
import {
  type DirectoryAction,
  DirectoryActionError,
  directoryRequestFor,
  renderDirectoryRequest,
} from '../connectors/directory-requests.ts';
import type { GraphConnector } from '../connectors/graph-connector.ts';
import {
  federatedCredentialJson,
  keyCredentialJson,
  passwordCredentialJson,
} from '../credentials/graph-credential-json.ts';
import { verifyKeyProof } from '../credentials/verify-key-proof.ts';
import type { AuditTarget } from '../domain/index.ts';
import { ApiError, assertThat } from '../errors/api-error.ts';
import { hashClientSecret } from '../leaks/client-secret-hash.ts';
import { readCertificate } from '../leaks/read-certificate.ts';
import type { Store } from '../store/open-store.ts';
import {
  type CredentialOwner,
  createCredentialActionQueries,
} from '../store/queries/credential-action-queries.ts';
import type { CredentialTable } from '../store/schema.ts';
import { type ActionActor, createAdminAudit } from './admin-audit.ts';

/** Graph's default lifetime of a client secret added without an end: two years. */
const DEFAULT_SECRET_DAYS = 730;
const DAY_MS = 86_400_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FIC_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;

/** How an object is named in a request: by object id, or by app id (`(appId='…')`). */
export type ObjectRef = { id: string } | { appId: string };

/** Where a change went besides Vigil's inventory. */
export interface DirectoryOutcome {
  /** The change was made in Entra through the tenant's Graph connection. */
  applied: boolean;
  /** Without a connection: the Graph requests an administrator would run, secrets left out. */
  requests: string[];
}

/** An action's Graph-shaped result and where the change went. */
export interface ActionOutcome<T> {
  value: T;
  directory: DirectoryOutcome;
}

/** What the credential actions are built from. */
export interface CredentialActionDeps {
  store: Store;
  now?: () => Date;
  /** The tenant's Graph connector, when one is configured; null means changes are shown, not sent. */
  directoryFor?: (tenantId: string) => GraphConnector | null;
  /** Where the shown requests point (default Microsoft Graph's global endpoint). */
  graphBaseUrl?: string;
}

/** What `addPassword` takes (Graph's `passwordCredential`). */
export interface AddPasswordInput {
  displayName?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
}

/** What `addKey` takes (Graph's `keyCredential` and `proof`). */
export interface AddKeyInput {
  keyCredential: {
    type?: string;
    usage?: string;
    key?: string;
    displayName?: string | null;
  };
  proof?: string | null;
}

/** What creating a federated identity credential takes. */
export interface FederatedCredentialInput {
  name?: unknown;
  issuer?: unknown;
  subject?: unknown;
  audiences?: unknown;
  description?: unknown;
}

function notFound(ref: ObjectRef | string): ApiError {
  const name = typeof ref === 'string' ? ref : 'id' in ref ? ref.id : `appId='${ref.appId}'`;
  return new ApiError(
    'Request_ResourceNotFound',
    `Resource '${name}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function isoOrNull(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const t = Date.parse(value);
  assertThat(!Number.isNaN(t), 'BadRequest', `${field} is not a date-time: '${value}'.`);
  return new Date(t).toISOString();
}

/** The actor as the inventory's added-by and removed-by columns name it: UPN, display name or id. */
function nameOf(actor: ActionActor): string {
  return actor.audit.userPrincipalName ?? actor.audit.displayName ?? actor.initiatedBy;
}

/** The row of a credential added through Vigil: `fields` fill in what its type has. */
function addedRow(
  tenantId: string,
  owner: CredentialOwner,
  keyId: string,
  type: CredentialTable['type'],
  at: string,
  actor: ActionActor,
  fields: Partial<CredentialTable>,
): CredentialTable {
  return {
    tenant_id: tenantId,
    owner_id: owner.id,
    owner_type: owner.objectType,
    key_id: keyId,
    type,
    key_type: null,
    usage: null,
    display_name: null,
    hint: null,
    thumbprint: null,
    start_date_time: null,
    end_date_time: null,
    issuer: null,
    subject: null,
    audiences: null,
    added_at: at,
    added_by: nameOf(actor),
    removed_at: null,
    removed_by: null,
    updated_at: at,
    secret_salt: null,
    secret_hash: null,
    certificate: null,
    added_via: 'vigil',
    ...fields,
  };
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The Entra audit activity of a credential change on an object, so exports read like Entra's log. */
function credentialActivity(owner: CredentialOwner, verb: 'Add' | 'Remove'): string {
  return owner.objectType === 'servicePrincipal'
    ? `${verb} service principal credentials`
    : 'Update application – Certificates and secrets management ';
}

/**
 * The administrator's credential actions on service principals and applications — add or remove a
 * client secret or certificate, add or remove a federated identity credential, enable or disable a
 * service principal — applied to Vigil's inventory and, when the tenant has a Graph connection, to
 * Entra first through the same Graph calls (nothing changes in Vigil when Entra refuses). Without a
 * connection each outcome lists the Graph requests an administrator would run. Every action is
 * written to the audit log with its actor. Vigil keeps of a secret only its salted hash and hint, so
 * a later leak of it is matched exactly; of a certificate only the public certificate.
 */
export function createCredentialActions(deps: CredentialActionDeps) {
  const { store } = deps;
  const q = createCredentialActionQueries(store);
  const clock = deps.now ?? (() => new Date());
  const audit = createAdminAudit(store, () => clock().toISOString());

  const ownerOf = async (
    tenantId: string,
    objectType: CredentialOwner['objectType'],
    ref: ObjectRef,
  ): Promise<CredentialOwner> => {
    const by = 'id' in ref ? { id: ref.id.toLowerCase() } : { appId: ref.appId.toLowerCase() };
    const owner = await q.owner(tenantId, objectType, by);
    if (owner === undefined) throw notFound(ref);
    return owner;
  };

  /** Sends the action to Entra when connected; else renders it. Directory failures change nothing. */
  const toDirectory = async (
    tenantId: string,
    action: DirectoryAction,
  ): Promise<{ outcome: DirectoryOutcome; answer: unknown }> => {
    const connector = deps.directoryFor?.(tenantId) ?? null;
    if (connector === null) {
      const shown = directoryRequestFor(await shownAction(tenantId, action));
      return {
        outcome: { applied: false, requests: [renderDirectoryRequest(shown, deps.graphBaseUrl)] },
        answer: null,
      };
    }
    try {
      return { outcome: { applied: true, requests: [] }, answer: await connector.apply(action) };
    } catch (err) {
      if (err instanceof DirectoryError || err instanceof DirectoryActionError) {
        throw new ApiError('BadGateway', err.message);
      }
      throw err;
    }
  };

  // What an administrator runs by hand for a key change without a proof at hand: addKey/removeKey
  // with a proof they sign with a current certificate (shown as a placeholder) — or, for an object
  // holding no certificate, the PATCH of its keyCredentials that Graph documents for that case.
  const shownAction = async (tenantId: string, action: DirectoryAction): Promise<DirectoryAction> => {
    if ((action.kind !== 'addKey' && action.kind !== 'removeKey') || action.proof !== null) return action;
    const held = await q.current(tenantId, action.objectId, 'certificate');
    if (action.kind === 'addKey' && held.length === 0) return { ...action, currentKeyCredentials: [] };
    return { ...action, proof: 'signed by the administrator' };
  };

  const record = (
    tenantId: string,
    owner: CredentialOwner,
    activity: string,
    operationType: 'Add' | 'Update' | 'Delete',
    actor: ActionActor,
    modified: AuditTarget['modifiedProperties'],
  ) =>
    audit.record(tenantId, {
      activity,
      category: 'ApplicationManagement',
      operationType,
      targets: [
        {
          id: owner.id,
          displayName: owner.displayName,
          type: owner.objectType === 'servicePrincipal' ? 'ServicePrincipal' : 'Application',
          modifiedProperties: modified,
        },
      ],
      actor: actor.audit,
    });

  const keyDescription = (c: CredentialTable): string =>
    JSON.stringify([
      `[KeyIdentifier=${c.key_id},KeyType=${c.key_type ?? 'Password'},KeyUsage=${c.usage ?? 'Verify'},DisplayName=${c.display_name ?? ''}]`,
    ]);

  const removeCredential = async (
    tenantId: string,
    objectType: CredentialOwner['objectType'],
    ref: ObjectRef,
    keyId: string,
    type: 'password' | 'certificate',
    proof: string | null,
    actor: ActionActor,
  ): Promise<ActionOutcome<null>> => {
    const owner = await ownerOf(tenantId, objectType, ref);
    const id = keyId.trim().toLowerCase();
    assertThat(GUID.test(id), 'BadRequest', `keyId is not a GUID: '${keyId}'.`);
    const held = (await q.current(tenantId, owner.id, type)).find((c) => c.key_id === id);
    if (held === undefined) {
      throw new ApiError(
        'Request_ResourceNotFound',
        `No ${type === 'password' ? 'password' : 'key'} credential with keyId ${id} on ${objectType} ${owner.id}.`,
      );
    }
    if (type === 'certificate' && proof) await checkProof(tenantId, owner, proof);
    const action: DirectoryAction =
      type === 'password'
        ? { kind: 'removePassword', objectType, objectId: owner.id, keyId: id }
        : { kind: 'removeKey', objectType, objectId: owner.id, keyId: id, proof: proof ?? null };
    const { outcome } = await toDirectory(tenantId, action);
    const at = clock().toISOString();
    await store.db
      .transaction()
      .execute((trx) => q.markRemoved(trx, tenantId, owner.id, id, at, nameOf(actor)));
    await record(tenantId, owner, credentialActivity(owner, 'Remove'), 'Update', actor, [
      { displayName: 'KeyDescription', oldValue: keyDescription(held), newValue: '[]' },
    ]);
    return { value: null, directory: outcome };
  };

  // A proof is checked against the object's certificates Vigil holds. When Vigil holds none of them
  // (credentials imported from Entra carry no certificate), Entra checks it when the change is sent.
  const checkProof = async (tenantId: string, owner: CredentialOwner, proof: string): Promise<void> => {
    const held = await q.current(tenantId, owner.id, 'certificate');
    const certificates = held.flatMap((c) =>
      c.certificate === null ? [] : [{ keyId: c.key_id, thumbprint: c.thumbprint, pem: c.certificate }],
    );
    if (certificates.length === 0) return;
    const check = await verifyKeyProof(proof, owner.id, certificates, clock());
    if (!check.ok) throw new ApiError('BadRequest', `Invalid proof: ${check.reason}.`);
  };

  return {
    /** Resolves an object named by id or app id; 404 when the tenant has none. */
    ownerOf,

    /** Adds a client secret; the outcome carries `secretText`, shown this once. */
    async addPassword(
      tenantId: string,
      objectType: CredentialOwner['objectType'],
      ref: ObjectRef,
      input: AddPasswordInput,
      actor: ActionActor,
    ): Promise<ActionOutcome<Record<string, unknown>>> {
      const owner = await ownerOf(tenantId, objectType, ref);
      const now = clock();
      const start = isoOrNull(input.startDateTime, 'startDateTime') ?? now.toISOString();
      const end =
        isoOrNull(input.endDateTime, 'endDateTime') ??
        new Date(Date.parse(start) + DEFAULT_SECRET_DAYS * DAY_MS).toISOString();
      assertThat(end > start, 'BadRequest', 'endDateTime must be after startDateTime.');
      const displayName = input.displayName ?? null;
      assertThat(
        displayName === null || displayName.length <= 120,
        'BadRequest',
        'displayName may have at most 120 characters.',
      );
      const action: DirectoryAction = {
        kind: 'addPassword',
        objectType,
        objectId: owner.id,
        passwordCredential: {
          ...(displayName !== null ? { displayName } : {}),
          endDateTime: end,
        },
      };
      // Entra issues client secrets itself: one Vigil made up would work nowhere, so without a
      // connection nothing is added and the administrator gets the request to run instead. The
      // secret Entra then issues reaches the inventory through the audit log.
      if ((deps.directoryFor?.(tenantId) ?? null) === null) {
        throw new ApiError(
          'BadRequest',
          'Entra issues client secrets, and this tenant has no Graph connection, so Vigil cannot add one. ' +
            'Run this request in Entra (Vigil learns of the new secret from the audit log), or add a ' +
            'certificate instead (addKey, or vigil credentials new-cert):\n\n' +
            renderDirectoryRequest(directoryRequestFor(action), deps.graphBaseUrl),
        );
      }
      const { outcome, answer } = await toDirectory(tenantId, action);
      const issued = (answer ?? {}) as Record<string, unknown>;
      const secretText = str(issued.secretText);
      const keyId = str(issued.keyId)?.toLowerCase();
      if (secretText === null || keyId === undefined) {
        throw new ApiError(
          'BadGateway',
          'Microsoft Graph answered addPassword without a secretText and keyId.',
        );
      }
      const hash = hashClientSecret(secretText);
      const row = addedRow(tenantId, owner, keyId, 'password', now.toISOString(), actor, {
        key_type: 'Password',
        usage: 'Verify',
        display_name: str(issued.displayName) ?? displayName,
        hint: str(issued.hint) ?? secretText.slice(0, 3),
        start_date_time: isoOrNull(str(issued.startDateTime), 'startDateTime') ?? start,
        end_date_time: isoOrNull(str(issued.endDateTime), 'endDateTime') ?? end,
        secret_salt: hash.salt,
        secret_hash: hash.hash,
      });
      await store.db.transaction().execute((trx) => q.insert(trx, row));
      await record(tenantId, owner, credentialActivity(owner, 'Add'), 'Update', actor, [
        { displayName: 'KeyDescription', oldValue: '[]', newValue: keyDescription(row) },
      ]);
      return { value: passwordCredentialJson(row, secretText), directory: outcome };
    },

    /** Removes a client secret by key id. */
    removePassword(
      tenantId: string,
      objectType: CredentialOwner['objectType'],
      ref: ObjectRef,
      keyId: string,
      actor: ActionActor,
    ): Promise<ActionOutcome<null>> {
      return removeCredential(tenantId, objectType, ref, keyId, 'password', null, actor);
    },

    /** Registers an X.509 certificate (public part); a given proof is checked. */
    async addKey(
      tenantId: string,
      objectType: CredentialOwner['objectType'],
      ref: ObjectRef,
      input: AddKeyInput,
      actor: ActionActor,
    ): Promise<ActionOutcome<Record<string, unknown>>> {
      const owner = await ownerOf(tenantId, objectType, ref);
      const k = input.keyCredential;
      assertThat(
        (k.type ?? 'AsymmetricX509Cert') === 'AsymmetricX509Cert',
        'BadRequest',
        `keyCredential.type must be AsymmetricX509Cert; '${k.type}' is not supported.`,
      );
      assertThat(
        (k.usage ?? 'Verify') === 'Verify',
        'BadRequest',
        `keyCredential.usage must be Verify for a credential to sign in with; '${k.usage}' is not supported.`,
      );
      assertThat(
        typeof k.key === 'string' && k.key.length > 0,
        'BadRequest',
        'keyCredential.key is required.',
      );
      const facts = readCertificate(k.key);
      assertThat(
        facts !== null,
        'BadRequest',
        'keyCredential.key is not a base64-encoded X.509 certificate.',
      );
      const cert = new X509Certificate(facts.pem);
      const now = clock();
      assertThat(
        Date.parse(cert.validTo) > now.getTime(),
        'BadRequest',
        `The certificate expired on ${new Date(cert.validTo).toISOString()}.`,
      );
      const duplicate = (await q.current(tenantId, owner.id, 'certificate')).find(
        (c) => c.thumbprint === facts.thumbprint,
      );
      assertThat(
        duplicate === undefined,
        'BadRequest',
        `The certificate (thumbprint ${facts.thumbprint}) is already a key credential of this object.`,
      );
      if (input.proof) await checkProof(tenantId, owner, input.proof);
      const displayName = k.displayName ?? `CN=${cert.subject.replace(/^CN=/, '').split('\n')[0]}`;
      const { outcome, answer } = await toDirectory(tenantId, {
        kind: 'addKey',
        objectType,
        objectId: owner.id,
        keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: k.key, displayName },
        proof: input.proof ?? null,
      });
      const issued = (answer ?? {}) as Record<string, unknown>;
      const keyId = str(issued.keyId)?.toLowerCase() ?? randomUUID();
      const row = addedRow(tenantId, owner, keyId, 'certificate', now.toISOString(), actor, {
        key_type: 'AsymmetricX509Cert',
        usage: 'Verify',
        display_name: displayName,
        thumbprint: facts.thumbprint,
        start_date_time: new Date(cert.validFrom).toISOString(),
        end_date_time: new Date(cert.validTo).toISOString(),
        certificate: facts.pem,
      });
      await store.db.transaction().execute((trx) => q.insert(trx, row));
      await record(tenantId, owner, credentialActivity(owner, 'Add'), 'Update', actor, [
        { displayName: 'KeyDescription', oldValue: '[]', newValue: keyDescription(row) },
      ]);
      return { value: keyCredentialJson(row), directory: outcome };
    },

    /** Removes a certificate by key id; a given proof is checked. */
    removeKey(
      tenantId: string,
      objectType: CredentialOwner['objectType'],
      ref: ObjectRef,
      keyId: string,
      proof: string | null,
      actor: ActionActor,
    ): Promise<ActionOutcome<null>> {
      return removeCredential(tenantId, objectType, ref, keyId, 'certificate', proof, actor);
    },

    /** Creates a federated identity credential on an application. */
    async addFederatedCredential(
      tenantId: string,
      ref: ObjectRef,
      input: FederatedCredentialInput,
      actor: ActionActor,
    ): Promise<ActionOutcome<Record<string, unknown>>> {
      const owner = await ownerOf(tenantId, 'application', ref);
      const name = str(input.name);
      assertThat(
        name !== null && FIC_NAME.test(name),
        'BadRequest',
        'name is required: 3 to 120 letters, digits, dashes or underscores, starting with a letter or digit.',
      );
      const issuer = str(input.issuer);
      assertThat(
        issuer !== null && /^https:\/\/[^\s]+$/.test(issuer) && issuer.length <= 600,
        'BadRequest',
        'issuer is required: the https URL of the external identity provider.',
      );
      const subject = str(input.subject);
      assertThat(
        subject !== null && subject.trim().length > 0 && subject.length <= 600,
        'BadRequest',
        'subject is required: the external workload identity, at most 600 characters.',
      );
      const audiences = input.audiences ?? ['api://AzureADTokenExchange'];
      assertThat(
        Array.isArray(audiences) &&
          audiences.length === 1 &&
          typeof audiences[0] === 'string' &&
          audiences[0].length > 0 &&
          audiences[0].length <= 600,
        'BadRequest',
        'audiences must hold exactly one value (usually api://AzureADTokenExchange).',
      );
      const description =
        input.description === undefined || input.description === null ? null : str(input.description);
      assertThat(
        description === null || description.length <= 600,
        'BadRequest',
        'description must be a string of at most 600 characters.',
      );
      const existing = await q.current(tenantId, owner.id, 'federated');
      assertThat(
        !existing.some((c) => c.display_name?.toLowerCase() === name.toLowerCase()),
        'BadRequest',
        `The application already has a federated identity credential named '${name}'.`,
      );
      assertThat(
        !existing.some((c) => c.issuer === issuer && c.subject === subject),
        'BadRequest',
        'The application already has a federated identity credential with this issuer and subject.',
      );
      assertThat(
        existing.length < 20,
        'BadRequest',
        'An application holds at most 20 federated identity credentials.',
      );
      const { outcome, answer } = await toDirectory(tenantId, {
        kind: 'addFederatedIdentityCredential',
        applicationId: owner.id,
        credential: {
          name,
          issuer,
          subject,
          audiences: audiences as string[],
          ...(description !== null ? { description } : {}),
        },
      });
      const issued = (answer ?? {}) as Record<string, unknown>;
      const now = clock().toISOString();
      const keyId = str(issued.id)?.toLowerCase() ?? randomUUID();
      const row = addedRow(tenantId, owner, keyId, 'federated', now, actor, {
        display_name: name,
        issuer,
        subject,
        audiences: JSON.stringify(audiences),
      });
      await store.db.transaction().execute((trx) => q.insert(trx, row));
      await record(tenantId, owner, 'Update application', 'Update', actor, [
        {
          displayName: 'FederatedIdentityCredentials',
          oldValue: '[]',
          newValue: JSON.stringify([federatedCredentialJson(row)]),
        },
      ]);
      return { value: federatedCredentialJson(row, description), directory: outcome };
    },

    /** Deletes a federated identity credential of an application. */
    async removeFederatedCredential(
      tenantId: string,
      ref: ObjectRef,
      credentialId: string,
      actor: ActionActor,
    ): Promise<ActionOutcome<null>> {
      const owner = await ownerOf(tenantId, 'application', ref);
      const id = credentialId.trim().toLowerCase();
      const held = (await q.current(tenantId, owner.id, 'federated')).find(
        (c) => c.key_id === id || c.display_name === credentialId,
      );
      if (held === undefined) throw notFound(credentialId);
      const { outcome } = await toDirectory(tenantId, {
        kind: 'removeFederatedIdentityCredential',
        applicationId: owner.id,
        credentialId: held.key_id,
      });
      const at = clock().toISOString();
      await store.db
        .transaction()
        .execute((trx) => q.markRemoved(trx, tenantId, owner.id, held.key_id, at, nameOf(actor)));
      await record(tenantId, owner, 'Update application', 'Update', actor, [
        {
          displayName: 'FederatedIdentityCredentials',
          oldValue: JSON.stringify([federatedCredentialJson(held)]),
          newValue: '[]',
        },
      ]);
      return { value: null, directory: outcome };
    },

    /** Enables or disables a service principal (`PATCH` with `accountEnabled`). */
    async setAccountEnabled(
      tenantId: string,
      ref: ObjectRef,
      enabled: boolean,
      actor: ActionActor,
    ): Promise<ActionOutcome<null>> {
      const owner = await ownerOf(tenantId, 'servicePrincipal', ref);
      const { outcome } = await toDirectory(tenantId, {
        kind: 'setAccountEnabled',
        servicePrincipalId: owner.id,
        accountEnabled: enabled,
      });
      const at = clock().toISOString();
      await store.db
        .transaction()
        .execute((trx) => q.setAccountEnabled(trx, tenantId, owner.id, enabled, at));
      await record(
        tenantId,
        owner,
        enabled ? 'Enable service principal' : 'Disable service principal',
        'Update',
        actor,
        [
          {
            displayName: 'AccountEnabled',
            oldValue: JSON.stringify([owner.accountEnabled ?? true]),
            newValue: JSON.stringify([enabled]),
          },
        ],
      );
      return { value: null, directory: outcome };
    },
  };
}

/** The credential actions, as built by `createCredentialActions`. */
export type CredentialActions = ReturnType<typeof createCredentialActions>;
