// `vigil simulate`: a tenant over a period, written as the files Vigil imports, with labels saying
// which principals were attacked and how. The plan (who does what when) is small and made first; the
// sign-ins, millions of them for a large tenant, are then generated and written an hour at a time.
import type { SimulationLabels } from './labels.ts';
import { planTenant, type TenantPlanOptions } from './plan-tenant.ts';
import { type WriteProgress, writeTenant } from './write-tenant.ts';

/** Options of simulateTenant. */
export interface SimulateTenantOptions extends TenantPlanOptions {
  /** Directory to write to; created if missing, refused if it holds anything unless `replace`. */
  out: string;
  /** Replace an earlier simulation's files in `out` (only those; nothing else is touched). */
  replace?: boolean;
  onProgress?: (p: WriteProgress) => void;
}

/** What was written. */
export interface SimulationSummary {
  out: string;
  labels: SimulationLabels;
  organization: string;
  files: number;
  bytes: number;
  seconds: number;
}

/** Plans a tenant and writes it to `options.out`. */
export async function simulateTenant(options: SimulateTenantOptions): Promise<SimulationSummary> {
  const started = performance.now();
  const { out, replace, onProgress, ...planOptions } = options;
  const plan = planTenant(planOptions);
  const written = await writeTenant(plan, out, {
    replace: replace === true,
    ...(onProgress ? { onProgress } : {}),
  });
  return {
    out,
    labels: written.labels,
    organization: plan.model.organization,
    files: written.files,
    bytes: written.bytes,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}
