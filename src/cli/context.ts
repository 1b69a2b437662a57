import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { openStore, type Store } from '../store/open-store.ts';

/** Settings a command line may override. */
export interface GlobalFlags {
  database?: string;
}

/** Loads configuration (flags win) and opens the store, migrated. */
export async function openContext(
  flags: GlobalFlags = {},
): Promise<{ config: Readonly<Config>; store: Store }> {
  const config = loadConfig({ overrides: flags.database ? { databaseUrl: flags.database } : {} });
  const store = await openStore({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema });
  return { config, store };
}

/** Runs a command body with an open store, closing it however the body ends. */
export async function withStore<T>(
  flags: GlobalFlags,
  body: (ctx: { config: Readonly<Config>; store: Store }) => Promise<T>,
): Promise<T> {
  const ctx = await openContext(flags);
  try {
    return await body(ctx);
  } finally {
    await ctx.store.close();
  }
}
