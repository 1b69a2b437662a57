import { offensiveToolsDetection } from './offensive-tools/index.ts';
import { passwordSprayDetection } from './password-spray/index.ts';
import { removedCredentialUseDetection } from './removed-credential-use/index.ts';
import { suspiciousSignInsDetection } from './suspicious-sign-ins/index.ts';
import { threatIntelligenceDetection } from './threat-intelligence/index.ts';
import { unusualCredentialAdditionDetection } from './unusual-credential-addition/index.ts';

/** What every detection says of itself. */
export interface DetectionInfo {
  id: string;
  riskEventType: string;
  title: string;
  description: string;
}

/**
 * Every detection Vigil runs: an explicit list, no directory scanning. Sign-in detections are fed
 * each principal's sign-ins in event-time order; password spray reads one address's sign-ins across
 * principals; credential additions are read from the audit log. Leaked credentials come from leak
 * reports and scans (src/leaks), and admin-confirmed compromise from the confirm action.
 */
export const detections: readonly DetectionInfo[] = [
  suspiciousSignInsDetection,
  threatIntelligenceDetection,
  offensiveToolsDetection,
  passwordSprayDetection,
  unusualCredentialAdditionDetection,
  removedCredentialUseDetection,
  {
    id: 'leaked-credentials',
    riskEventType: 'leakedCredentials',
    title: 'Leaked credential',
    description:
      'A currently valid credential of the principal was found exposed: in a secret scanner report or a scan.',
  },
  {
    id: 'admin-confirmed-compromise',
    riskEventType: 'adminConfirmedServicePrincipalCompromised',
    title: 'Administrator confirmed the principal compromised',
    description: 'An administrator confirmed the principal compromised.',
  },
].map(({ id, riskEventType, title, description }) => ({ id, riskEventType, title, description }));

/** The risk event types detections raise, each once. */
export const riskEventTypes: readonly string[] = [...new Set(detections.map((d) => d.riskEventType))];
