// GitHub-hosted runners are short-lived Azure VMs: a deployment workflow gets a fresh machine, and so
// a fresh address, on every run, drawn from Microsoft's (AS8075) ranges across several US regions.
// A deployment principal therefore signs in from a new /24 most days — all the same ASN, all hosting,
// all US — which is the noise a detection must tolerate.
//
// Each /24 below lies inside one range of asn-ipv4.csv announced by AS8075, and the country database
// places it in the US (checked like the attacker networks, in attacker-networks.test.ts). Which Azure
// region serves a given prefix is not public data; the grouping follows the usual region cities.
import type { SignInClient, SignInNetwork } from './sign-in-records.ts';

/** An Azure region runners are drawn from: where Entra places it, and some of its /24 prefixes. */
export interface RunnerRegion extends SignInNetwork {
  region: string;
  prefixes: readonly string[];
}

function region(
  name: string,
  place: [city: string, state: string, latitude: number, longitude: number],
  prefixes: string[],
): RunnerRegion {
  const [city, state, latitude, longitude] = place;
  return { region: name, asn: 8075, city, state, countryOrRegion: 'US', latitude, longitude, prefixes };
}

/** Regions GitHub-hosted Linux runners run in, with their prefixes. */
export const RUNNER_REGIONS: readonly RunnerRegion[] = [
  region(
    'eastus',
    ['Boydton', 'Virginia', 36.6676, -78.3875],
    ['20.1.200.0/24', '20.25.150.0/24', '52.179.30.0/24', '40.84.60.0/24', '4.152.10.0/24'],
  ),
  region(
    'eastus2',
    ['Boydton', 'Virginia', 36.6676, -78.3875],
    ['20.96.30.0/24', '20.102.80.0/24', '4.153.80.0/24', '52.147.200.0/24'],
  ),
  region(
    'westus2',
    ['Quincy', 'Washington', 47.2343, -119.8526],
    ['20.57.20.0/24', '20.94.10.0/24', '4.227.50.0/24', '52.225.80.0/24'],
  ),
  region(
    'centralus',
    ['Des Moines', 'Iowa', 41.5868, -93.625],
    ['13.89.30.0/24', '20.84.130.0/24', '20.106.40.0/24', '40.78.20.0/24', '172.171.20.0/24'],
  ),
  region(
    'southcentralus',
    ['San Antonio', 'Texas', 29.4241, -98.4936],
    ['13.85.40.0/24', '20.3.40.0/24', '20.12.80.0/24', '20.225.50.0/24', '40.70.150.0/24'],
  ),
  region(
    'westus3',
    ['Phoenix', 'Arizona', 33.4484, -112.074],
    [
      '20.118.90.0/24',
      '20.125.30.0/24',
      '20.109.50.0/24',
      '20.161.70.0/24',
      '20.172.10.0/24',
      '20.185.60.0/24',
      '172.176.40.0/24',
      '172.183.50.0/24',
    ],
  ),
];

/**
 * The `azure/login` action signs in through the Azure CLI of the runner image. Images are rebuilt
 * weekly, so the CLI (and its Python and kernel) moves up a minor version in the middle of a month.
 */
export const RUNNER_CLIENTS: readonly SignInClient[] = [
  {
    userAgent: 'python/3.12.7 (Linux-6.8.0-1017-azure-x86_64-with-glibc2.39) AZURECLI/2.66.0 (DEB)',
    authLibrary: 'Family: MSAL Library: MSAL.Python 1.31.0 Platform: Python',
  },
  {
    userAgent: 'python/3.12.8 (Linux-6.8.0-1020-azure-x86_64-with-glibc2.39) AZURECLI/2.67.0 (DEB)',
    authLibrary: 'Family: MSAL Library: MSAL.Python 1.31.1 Platform: Python',
  },
];
