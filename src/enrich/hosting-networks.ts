// No package available here ships cloud and datacenter ranges offline, so the hosting signal is our
// own: networks of well-known cloud, hosting and CDN operators by AS number, each checked against the
// AS organisation recorded for it in the bundled ASN data. Deliberately left out: networks that mix
// in consumer access (Google Fiber AS16591, SpaceX Starlink AS14593) and pure transit carriers.

/** Provider name → its AS numbers, as maintained; HOSTING_ASNS is the lookup form. */
export const HOSTING_PROVIDERS: Readonly<Record<string, readonly number[]>> = {
  Microsoft: [8075, 8068, 8069, 8070, 8071, 12076, 3598],
  Amazon: [16509, 14618, 8987, 7224, 38895, 62785],
  Google: [15169, 396982, 19527, 36040, 36384, 36492, 43515, 139070, 139190, 16550],
  Oracle: [31898],
  Alibaba: [45102, 37963, 24429, 134963],
  Tencent: [132203, 45090, 132591],
  Huawei: [136907, 55990],
  IBM: [36351],
  DigitalOcean: [14061],
  'Akamai (Linode)': [63949],
  Akamai: [20940, 16625],
  // AS20473 is Choopa, now The Constant Company, which runs Vultr.
  Vultr: [20473],
  OVH: [16276, 35540],
  Hetzner: [24940, 213230, 212317],
  Contabo: [51167, 40021, 141995],
  Scaleway: [12876],
  M247: [9009],
  Datacamp: [60068],
  Leaseweb: [60781, 16265, 59253, 30633, 28753, 7203],
  Cloudflare: [13335, 209242],
  Fastly: [54113],
  Hostinger: [47583],
  Psychz: [40676],
  Clouvider: [62240],
  GoDaddy: [26496, 398101],
  Rackspace: [27357, 19994, 33070],
  Salesforce: [14340],
  // AS36352 was ColoCrossing's; the data now names HostPapa for it.
  HostPapa: [54290, 36352],
  IONOS: [8560],
  Strato: [6724],
  netcup: [197540],
  'Aruba.it': [31034],
  'Servers.com': [7979],
  Zenlayer: [21859],
  'Equinix Metal': [54825],
  UpCloud: [202053],
  Exoscale: [61098],
  'Fly.io': [40509],
  Hivelocity: [29802],
  Selectel: [49505],
  Timeweb: [9123],
  'Yandex Cloud': [200350],
  'G-Core Labs': [199524],
  'Latitude.sh': [396356],
  HostRoyale: [203020],
  GTHost: [63023],
  'FranTech (BuyVM)': [53667],
  QuadraNet: [8100],
};

/** Well-known cloud, hosting and CDN networks: AS number → provider name. */
export const HOSTING_ASNS: ReadonlyMap<number, string> = new Map(
  Object.entries(HOSTING_PROVIDERS).flatMap(([provider, asns]) =>
    asns.map((asn) => [asn, provider] as const),
  ),
);

/**
 * AS-organisation words that mark a hosting network the list above does not know. The list can never
 * cover the long tail of small VPS and colocation shops that attackers rent by the hour, so the AS
 * organisation name is the fallback. It is whole-word matching, so `Cloudflare` or `Hostinger` do not
 * match by accident, and it still has false positives: consumer Wi-Fi operators (`The Cloud Networks
 * Limited`), regional ISPs named `… Cloud …`, companies with a corporate `…-COLO` network. Known
 * providers above also carry consumer traffic (Cloudflare WARP egresses from AS13335; iCloud Private
 * Relay partly via Akamai and Fastly), so a `true` here means "not a residential line", not "a server".
 */
export const HOSTING_ORG_PATTERN: RegExp =
  /\b(?:hosting|cloud|data ?cent(?:er|re)s?|datacent(?:er|re)s?|servers?|vps|colo|colocation)\b/i;

/**
 * The hosting provider for an AS, or null: extra ASNs first (configuration), then the built-in list,
 * then the organisation keyword fallback, which names the AS organisation as the provider.
 */
export function hostingProviderForAs(
  asn: number,
  asOrg: string | null,
  extraAsns?: ReadonlyMap<number, string>,
): string | null {
  const known = extraAsns?.get(asn) ?? HOSTING_ASNS.get(asn);
  if (known !== undefined) return known;
  if (asOrg !== null && HOSTING_ORG_PATTERN.test(asOrg)) return asOrg;
  return null;
}
