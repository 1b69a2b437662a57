import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the bundled IP data lives: the ASN CSV directory and the country mmdb file. */
export interface DataPaths {
  asnDataDir: string;
  countryMmdbPath: string;
}

/** Country database covering IPv4 and IPv6 in one tree, so one file serves both families. */
export const COUNTRY_MMDB_FILE = 'geo-whois-asn-country.mmdb';

/**
 * Resolves the data packages the way Node resolves any dependency (so hoisting, workspaces and a
 * global install all work), through each package's package.json because the packages have no code
 * entry point to resolve.
 */
export function defaultDataPaths(): DataPaths {
  const require = createRequire(import.meta.url);
  return {
    asnDataDir: dirname(require.resolve('@ip-location-db/asn/package.json')),
    countryMmdbPath: join(
      dirname(require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json')),
      COUNTRY_MMDB_FILE,
    ),
  };
}
