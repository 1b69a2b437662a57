import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { newCertificate } from '../credentials/new-certificate.ts';
import { ApiError } from '../errors/api-error.ts';
import type { ActionActor } from '../jobs/admin-audit.ts';
import { type CredentialActions, createCredentialActions } from '../jobs/credential-actions.ts';
import { credentialInventory } from '../jobs/credential-inventory.ts';
import { createDirectoryConnections, createDirectoryLinks } from '../jobs/directory-links.ts';
import { createRemediation, type Remediation, type RemediationPlanView } from '../jobs/remediation.ts';
import type { PlanStep } from '../remediation/remediation-plan.ts';
import type { Store } from '../store/open-store.ts';
import { cliActorOf } from './cli-actor.ts';
import { withStore } from './context.ts';
import { createPrompter, type Prompter } from './prompter.ts';

interface RemediateOptions {
  tenant?: string;
  actor?: string;
  yes?: boolean;
  out?: string;
  vault?: string;
  secret?: string[];
  disable?: boolean;
  json?: boolean;
}

const MARK: Record<PlanStep['state'], string> = {
  pending: '[ ]',
  done: '[x]',
  skipped: '[-]',
  notNeeded: '[-]',
  failed: '[!]',
};

function printPlan(plan: RemediationPlanView, write: (s: string) => void): void {
  write(`\nremediation ${plan.id} of ${plan.servicePrincipalId}: ${plan.state}\n`);
  for (const s of plan.steps) {
    write(`  ${MARK[s.state]} ${s.title} — ${s.state}\n      ${s.detail}\n`);
  }
}

const yes = (answer: string, byDefault: boolean) => (answer === '' ? byDefault : /^y(es)?$/i.test(answer));

/**
 * `vigil remediate <principal>`: walks an administrator through the remediation plan in the
 * terminal — review the inventory, add a certificate (generated here), remove the old credentials,
 * rotate or settle Key Vault secrets, optionally disable — ending, when every step is through and no
 * removed credential was used, with the principal `remediated`. Answers may be piped in, a line per
 * question; `--yes` takes every default that changes something (a certificate, the removals, and
 * with `--vault` and `--secret` the rotation).
 */
export function registerRemediateCommand(program: Command): void {
  program
    .command('remediate')
    .description('walk through the remediation plan of a principal, ending in "remediated"')
    .argument('<principal>', 'service principal object id')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--actor <name>', 'who acts, for the audit log and risk history (default: cli:<login>)')
    .option('-y, --yes', 'answer yes: generate a certificate, remove every old credential')
    .option('--out <file>', 'where the new certificate and its private key are written (mode 600)')
    .option('--vault <url>', 'Key Vault whose secrets to rotate')
    .option('--secret <name...>', 'names of the secrets to rotate in --vault')
    .option('--disable', 'disable the service principal as part of the plan')
    .option('--json', 'print the final plan as JSON')
    .action(async (principal: string, opts: RemediateOptions, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
        const actor = cliActorOf(opts);
        const remediation = createRemediation({
          store,
          connectionFor: createDirectoryConnections(config.graphConnections),
        });
        const actions = createCredentialActions({
          store,
          directoryFor: createDirectoryLinks(config.graphConnections),
        });
        const prompter = createPrompter();
        const say = (s: string) => process.stderr.write(s);
        try {
          let { plan, created } = await remediation.start(tenantId, principal, actor);
          say(`${created ? 'started' : 'resuming'} remediation of ${plan.servicePrincipalId}\n`);
          // Each step is offered once; the plan is read again after every action. Disabling (optional)
          // comes before the removals: once the last required step is through, the plan closes.
          for (const name of [
            'reviewInventory',
            'addCredential',
            'disable',
            'removeOldCredentials',
            'rotateKeyVaultSecrets',
          ] as const) {
            if (plan.state !== 'inProgress') break;
            const step = plan.steps.find((s) => s.name === name)!;
            if (step.state !== 'pending' && step.state !== 'failed') continue;
            say(`\n${step.title}\n  ${step.detail}\n`);
            plan =
              (await walkStep(name, step, {
                tenantId,
                principal: plan.servicePrincipalId,
                actor,
                opts,
                prompter,
                remediation,
                actions,
                store,
              })) ?? plan;
          }
          plan = (await remediation.get(tenantId, plan.servicePrincipalId)) ?? plan;
          if (opts.json) process.stdout.write(`${JSON.stringify(plan)}\n`);
          else {
            printPlan(plan, (s) => process.stdout.write(s));
            const requests = plan.steps.flatMap((s) => s.directoryRequests ?? []);
            if (!plan.directoryConnected && requests.length > 0) {
              process.stdout.write(
                `\nno Graph connection for this tenant: run these in Entra too:\n\n${requests.join('\n\n')}\n`,
              );
            }
          }
          if (plan.state !== 'remediated') process.exitCode = 3;
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          process.stderr.write(`error: ${err.message}\n`);
          process.exitCode = 1;
        } finally {
          prompter.close();
        }
      });
    });
}

interface StepContext {
  tenantId: string;
  principal: string;
  actor: ActionActor;
  opts: RemediateOptions;
  prompter: Prompter;
  remediation: Remediation;
  actions: CredentialActions;
  store: Store;
}

async function walkStep(
  name: PlanStep['name'],
  step: PlanStep,
  c: StepContext,
): Promise<RemediationPlanView | null> {
  const { tenantId, principal, actor, opts, prompter, remediation, actions } = c;
  const say = (s: string) => process.stderr.write(s);
  switch (name) {
    case 'reviewInventory': {
      const inventory = await credentialInventory(c.store, tenantId, principal, new Date().toISOString());
      for (const x of inventory?.value ?? []) {
        say(
          `    ${x.status.padEnd(12)} ${x.type.padEnd(11)} ${x.keyId} ${x.objectType.padEnd(16)} ` +
            `added ${x.addedDateTime ?? '?'} by ${x.addedBy ?? '?'}; last used ${x.lastUsedDateTime ?? 'never'}\n`,
        );
      }
      const ok = opts.yes || yes(await prompter.ask('  Reviewed? [y/N] '), false);
      return ok ? remediation.mark(tenantId, principal, name, 'complete', actor, null) : null;
    }
    case 'addCredential': {
      const ok =
        opts.yes ||
        yes(
          await prompter.ask('  Generate a certificate and register it on the service principal? [Y/n] '),
          true,
        );
      if (!ok) return null;
      const owner = await actions.ownerOf(tenantId, 'servicePrincipal', { id: principal });
      const cert = await newCertificate({ commonName: owner.displayName ?? owner.id });
      const added = await actions.addKey(
        tenantId,
        'servicePrincipal',
        { id: owner.id },
        { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.key } },
        actor,
      );
      const file = opts.out ?? `${owner.id}-${cert.thumbprint.slice(0, 8).toLowerCase()}.pem`;
      writeFileSync(file, `${cert.certificatePem}${cert.privateKeyPem}`, { mode: 0o600 });
      say(
        `  registered certificate ${cert.thumbprint} (keyId ${String(added.value.keyId)}); certificate and private key in ${file}\n`,
      );
      return remediation.get(tenantId, principal);
    }
    case 'removeOldCredentials': {
      const left = (step.credentials ?? []).filter((x) => x.removedDateTime === null);
      for (const x of left) say(`    ${x.type.padEnd(11)} ${x.keyId} on ${x.objectType} ${x.objectId}\n`);
      if (left.length === 0) return null;
      const ok =
        opts.yes || yes(await prompter.ask(`  Remove these ${left.length} credentials? [y/N] `), false);
      if (!ok) return null;
      for (const x of left) {
        if (x.type === 'password')
          await actions.removePassword(tenantId, x.objectType, { id: x.objectId }, x.keyId, actor);
        else if (x.type === 'certificate')
          await actions.removeKey(tenantId, x.objectType, { id: x.objectId }, x.keyId, null, actor);
        else await actions.removeFederatedCredential(tenantId, { id: x.objectId }, x.keyId, actor);
        say(`    removed ${x.type} ${x.keyId}\n`);
      }
      return remediation.get(tenantId, principal);
    }
    case 'rotateKeyVaultSecrets': {
      let vaultUrl = opts.vault ?? '';
      let secrets = opts.secret ?? [];
      if (vaultUrl === '' && !opts.yes) {
        const answer = await prompter.ask(
          "  Vault URL to rotate secrets in, 'done' if rotated elsewhere, or 'skip': ",
        );
        if (/^done$/i.test(answer))
          return remediation.mark(tenantId, principal, name, 'complete', actor, 'rotated outside Vigil');
        if (/^skip$/i.test(answer)) return remediation.mark(tenantId, principal, name, 'skip', actor, null);
        vaultUrl = answer;
      }
      if (vaultUrl === '') return null;
      if (secrets.length === 0) {
        secrets = (await prompter.ask('  Secret names, comma-separated: '))
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      }
      const r = await remediation.rotateSecrets(
        tenantId,
        principal,
        { vaultUrl, secretNames: secrets },
        actor,
      );
      for (const x of r.rotated) say(`    rotated ${x.secretName}: ${x.versionId}\n`);
      if (r.directoryRequests.length > 0) {
        say(`  no Graph connection: run these to rotate them:\n\n${r.directoryRequests.join('\n\n')}\n\n`);
      }
      return r.plan;
    }
    case 'disable': {
      const ok =
        opts.disable ||
        (!opts.yes && yes(await prompter.ask('  Disable the service principal now? [y/N] '), false));
      if (ok) {
        await actions.setAccountEnabled(tenantId, { id: principal }, false, actor);
        return remediation.get(tenantId, principal);
      }
      return remediation.mark(tenantId, principal, name, 'skip', actor, null);
    }
  }
}
