import { readFileSync } from 'node:fs';
import type { Config } from './schema.ts';
import { settings } from './settings.ts';

/** Raised when settings are invalid; lists every problem at once, each with the setting's name. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Where settings come from: the environment and an optional JSON file (`VIGIL_CONFIG`). */
export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Values that win over everything (command-line flags, tests). */
  overrides?: Partial<Config>;
}

/**
 * Reads settings: overrides beat environment variables, which beat the config file, which beats
 * defaults. This is the only place that reads `process.env`.
 */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<Config> {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  let file: Record<string, unknown> = {};
  const filePath = env.VIGIL_CONFIG;
  if (filePath) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        file = parsed as Record<string, unknown>;
      else problems.push(`VIGIL_CONFIG (${filePath}): must contain a JSON object`);
    } catch (err) {
      problems.push(`VIGIL_CONFIG (${filePath}): ${(err as Error).message}`);
    }
    const known = new Set<string>(settings.map((s) => s.key));
    for (const key of Object.keys(file)) {
      if (!known.has(key)) problems.push(`${filePath}: unknown setting "${key}"`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const s of settings) {
    const override = options.overrides?.[s.key];
    const fromVariables = override === undefined ? s.parseEnv?.(env) : undefined;
    let raw: unknown;
    let from: string;
    if (override !== undefined) {
      raw = override;
      from = s.key;
    } else if (fromVariables !== undefined) {
      if ('error' in fromVariables) problems.push(...fromVariables.error);
      else out[s.key] = fromVariables.value;
      continue;
    } else if (env[s.env] !== undefined && env[s.env] !== '') {
      raw = env[s.env];
      from = s.env;
    } else if (file[s.key] !== undefined) {
      raw = file[s.key];
      from = `${filePath}: ${s.key}`;
    } else {
      out[s.key] = s.default;
      continue;
    }
    const r = s.parse(raw);
    if ('error' in r) {
      const got = s.secret ? '' : ` (got ${JSON.stringify(raw)})`;
      for (const e of typeof r.error === 'string' ? [r.error] : r.error) problems.push(`${from}: ${e}${got}`);
    } else out[s.key] = r.value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out as unknown as Config);
}
