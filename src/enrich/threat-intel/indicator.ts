/**
 * One network indicator of compromise: an address or CIDR block that a threat-intelligence source
 * lists, with how sure the source is and when the listing holds.
 */
export interface IpIndicator {
  /** An address (`198.51.100.7`) or block (`203.0.113.0/24`, `2001:db8::/32`), as the source wrote it. */
  cidr: string;
  /** The feed or list it came from, as the operator named it. */
  source: string;
  /** 0–100: how strongly the source believes the address is malicious. */
  confidence: number;
  labels: string[];
  /** UTC ISO time from which the indicator holds; null for always. */
  validFrom: string | null;
  /** UTC ISO time at which it stops holding (exclusive); null for never. */
  validUntil: string | null;
  /** The source's own identifier (a STIX id), when it has one. */
  id: string | null;
  description: string | null;
}
