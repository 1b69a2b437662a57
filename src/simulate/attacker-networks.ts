// Networks attackers work from: servers rented by the hour from VPS providers, and home or mobile
// connections (a compromised machine, a proxy service reselling residential lines). None of them is
// a network any simulated workload uses, and each sits in a country Entra would place it in.
//
// Every /24 below was checked against the bundled ip-location-db data: it lies inside one range of
// asn-ipv4.csv announced by `asn` (whose organisation is `owner`), and the country database places
// both its first and last address in `countryOrRegion`. attacker-networks.test.ts re-checks this.
import type { SignInNetwork } from './sign-in-records.ts';

/** A network an attacker signs in from, with where Entra would place it. */
export interface AttackerNetwork extends SignInNetwork {
  /** The AS organisation as the ASN data names it. */
  owner: string;
  /** A rented server (hosting) or a consumer line (residential). */
  kind: 'hosting' | 'residential';
  prefixes: readonly string[];
}

function network(
  owner: string,
  asn: number,
  kind: AttackerNetwork['kind'],
  place: [city: string, state: string, country: string, latitude: number, longitude: number],
  prefixes: string[],
): AttackerNetwork {
  const [city, state, countryOrRegion, latitude, longitude] = place;
  return { owner, asn, kind, city, state, countryOrRegion, latitude, longitude, prefixes };
}

const FRANKFURT: [string, string, string, number, number] = [
  'Frankfurt am Main',
  'Hessen',
  'DE',
  50.1109,
  8.6821,
];
const LONDON: [string, string, string, number, number] = ['London', 'England', 'GB', 51.5072, -0.1276];

/** Attacker networks, hosting first. */
export const ATTACKER_NETWORKS: readonly AttackerNetwork[] = [
  network('DigitalOcean, LLC', 14061, 'hosting', FRANKFURT, ['167.99.130.0/24', '46.101.200.0/24']),
  network('DigitalOcean, LLC', 14061, 'hosting', LONDON, ['178.62.50.0/24']),
  network(
    'DigitalOcean, LLC',
    14061,
    'hosting',
    ['Singapore', 'Singapore', 'SG', 1.2897, 103.8501],
    ['128.199.200.0/24'],
  ),
  network(
    'DigitalOcean, LLC',
    14061,
    'hosting',
    ['Bengaluru', 'Karnataka', 'IN', 12.9716, 77.5946],
    ['139.59.10.0/24'],
  ),
  network(
    'The Constant Company, LLC',
    20473,
    'hosting',
    ['Paris', 'Ile-de-France', 'FR', 48.8566, 2.3522],
    ['45.32.150.0/24'],
  ),
  network(
    'The Constant Company, LLC',
    20473,
    'hosting',
    ['Tokyo', 'Tokyo', 'JP', 35.6762, 139.6503],
    ['45.76.100.0/24'],
  ),
  network(
    'The Constant Company, LLC',
    20473,
    'hosting',
    ['Amsterdam', 'Noord-Holland', 'NL', 52.374, 4.8897],
    ['95.179.150.0/24'],
  ),
  network('OVH SAS', 16276, 'hosting', ['Warsaw', 'Mazowieckie', 'PL', 52.2297, 21.0122], ['51.75.50.0/24']),
  network(
    'OVH SAS',
    16276,
    'hosting',
    ['Roubaix', 'Hauts-de-France', 'FR', 50.6942, 3.1746],
    ['54.36.100.0/24', '91.121.50.0/24'],
  ),
  network(
    'OVH SAS',
    16276,
    'hosting',
    ['Beauharnois', 'Quebec', 'CA', 45.3151, -73.8779],
    ['15.235.10.0/24'],
  ),
  network('OVH SAS', 16276, 'hosting', LONDON, ['51.68.200.0/24']),
  network(
    'Hetzner Online GmbH',
    24940,
    'hosting',
    ['Helsinki', 'Uusimaa', 'FI', 60.1699, 24.9384],
    ['95.216.90.0/24', '65.21.140.0/24'],
  ),
  network(
    'Hetzner Online GmbH',
    24940,
    'hosting',
    ['Falkenstein', 'Saxony', 'DE', 50.4779, 12.3713],
    ['5.9.80.0/24', '78.46.100.0/24'],
  ),
  network(
    'M247 Europe SRL',
    9009,
    'hosting',
    ['Bucharest', 'Bucuresti', 'RO', 44.4268, 26.1025],
    ['37.120.200.0/24'],
  ),
  network('M247 Europe SRL', 9009, 'hosting', FRANKFURT, ['193.27.14.0/24']),
  network(
    'PJSC Rostelecom',
    12389,
    'residential',
    ['Saint Petersburg', 'St.-Petersburg', 'RU', 59.9311, 30.3609],
    ['178.66.150.0/24'],
  ),
  network(
    'VNPT Corp',
    45899,
    'residential',
    ['Hanoi', 'Hanoi', 'VN', 21.0278, 105.8342],
    ['113.160.80.0/24', '14.160.20.0/24'],
  ),
  network(
    'Turk Telekomunikasyon Anonim Sirketi',
    9121,
    'residential',
    ['Istanbul', 'Istanbul', 'TR', 41.0082, 28.9784],
    ['78.180.60.0/24', '88.230.150.0/24'],
  ),
  network(
    'Claro NXT Telecomunicacoes Ltda',
    28573,
    'residential',
    ['Sao Paulo', 'Sao Paulo', 'BR', -23.5505, -46.6333],
    ['177.32.40.0/24', '189.100.20.0/24'],
  ),
  network(
    'Telekomunikasi Indonesia (PT)',
    7713,
    'residential',
    ['Jakarta', 'Jakarta', 'ID', -6.2088, 106.8456],
    ['36.72.140.0/24'],
  ),
  network(
    'Bharti Airtel Limited',
    24560,
    'residential',
    ['New Delhi', 'Delhi', 'IN', 28.6139, 77.209],
    ['122.161.40.0/24'],
  ),
  network(
    'DIGI ROMANIA S.A.',
    8708,
    'residential',
    ['Cluj-Napoca', 'Cluj', 'RO', 46.7712, 23.6236],
    ['188.24.60.0/24'],
  ),
  network(
    'MTN NIGERIA Communication limited',
    29465,
    'residential',
    ['Lagos', 'Lagos', 'NG', 6.5244, 3.3792],
    ['102.89.30.0/24'],
  ),
  network(
    'Deutsche Telekom AG',
    3320,
    'residential',
    ['Berlin', 'Berlin', 'DE', 52.52, 13.405],
    ['79.200.40.0/24', '91.40.120.0/24'],
  ),
];
