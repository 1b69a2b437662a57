import { suspiciousSignInsDetection } from './suspicious-sign-ins/index.ts';
import { threatIntelligenceDetection } from './threat-intelligence/index.ts';

/** Every sign-in detection Vigil runs, in order: an explicit list, no directory scanning. */
export const signInDetections = [suspiciousSignInsDetection, threatIntelligenceDetection] as const;
