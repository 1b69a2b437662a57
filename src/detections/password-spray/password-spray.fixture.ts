// Sign-ins from single source addresses of one tenant, as the spray detection is given them, and
// what should come of them. The attacker works from a rented VPS and tries one leaked secret against
// the app ids it enumerated; the tenant's own workloads run in Azure.
import type { SignIn } from '../../domain/index.ts';
import type { DayRange } from './index.ts';

export const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
/** The spraying address: a VPS at M247 in Bucharest. */
export const SPRAY_IP = '193.36.132.18';
/** The tenant's own egress in Azure West Europe, where its workloads legitimately fail now and then. */
export const AZURE_IP = '20.73.147.18';
/** The credential of the billing sync principal that the attacker had found in a public repository. */
export const LEAKED_KEY = '9d9fea30-d8e3-481b-b57c-0ef569a989e5';

const APP_NAMES = [
  'invoice-sync-prod',
  'hr-feed-export',
  'sharepoint-archiver',
  'teams-bot-backend',
  'mail-relay-graph',
  'crm-connector',
  'payroll-batch',
  'intune-reporting',
  'backup-orchestrator',
  'ticketing-webhook',
  'sso-provisioner',
  'data-lake-loader',
  'audit-log-shipper',
  'license-reporter',
] as const;

/** The object id of the tenant's i-th service principal. */
export function principal(i: number): string {
  return `b82f5c17-6d4e-4a39-8c1b-${(0x0e7a3f9d2c00 + i).toString(16).padStart(12, '0')}`;
}

function appId(i: number): string {
  return `2e6c9a41-8f3b-4d07-b5a2-${(0x6c1e9d4f7b00 + i).toString(16).padStart(12, '0')}`;
}

let sequence = 0;

/** A client-credential sign-in of principal `i` from `ip`; `statusCode` 0 is a success. */
export function sprayRecord(
  i: number,
  createdAt: string,
  statusCode: number,
  overrides: Partial<SignIn> = {},
): SignIn {
  sequence++;
  const id = `4c0a${sequence.toString(16).padStart(4, '0')}-7d21-4e6b-9f3a-${(0x5b8e2f470c31 + i).toString(16)}`;
  const fromSpray = (overrides.ipAddress ?? SPRAY_IP) === SPRAY_IP;
  return {
    tenantId: TENANT,
    id,
    kind: 'servicePrincipal',
    createdAt,
    servicePrincipalId: principal(i),
    servicePrincipalName: APP_NAMES[i % APP_NAMES.length]!,
    appId: appId(i),
    ipAddress: SPRAY_IP,
    asn: fromSpray ? 9009 : 8075,
    asOrg: fromSpray ? 'M247 Europe SRL' : 'Microsoft Corporation',
    country: fromSpray ? 'RO' : 'NL',
    state: null,
    city: fromSpray ? 'Bucharest' : 'Amsterdam',
    hosting: true,
    hostingProvider: fromSpray ? 'M247' : 'Microsoft',
    resourceId: '00000003-0000-0000-c000-000000000000',
    resourceName: 'Microsoft Graph',
    resourceServicePrincipalId: null,
    userAgent: 'python-requests/2.32.3',
    credentialType: 'clientSecret',
    credentialKeyId: statusCode === 0 ? LEAKED_KEY : null,
    credentialThumbprint: null,
    federatedCredentialId: null,
    statusCode,
    failureReason:
      statusCode === 0
        ? null
        : statusCode === 7000215
          ? 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.'
          : 'Authentication failed.',
    conditionalAccessStatus: 'notApplied',
    appliedPolicies: null,
    requestId: `r-${id}`,
    correlationId: `c-${id}`,
    msiType: null,
    associatedResourceId: null,
    ...overrides,
  };
}

/** Failed sign-ins of principals `from`…`to - 1`, one every `stepMinutes` from `start`. */
export function spray(
  start: string,
  from: number,
  to: number,
  stepMinutes: number,
  codes: readonly number[] = [7000215],
  overrides: Partial<SignIn> = {},
): SignIn[] {
  const out: SignIn[] = [];
  for (let i = from; i < to; i++) {
    const at = new Date(Date.parse(start) + (i - from) * stepMinutes * 60_000).toISOString();
    out.push(sprayRecord(i, at, codes[(i - from) % codes.length]!, overrides));
  }
  return out;
}

/** Sorts sign-ins the way the store hands them over: event time, then id. */
export function inOrder(signIns: SignIn[]): SignIn[] {
  return signIns.sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
  );
}

/** One expected detection: whose, which kind, how risky. */
export interface ExpectedSprayDetection {
  principal: string;
  kind: 'spray' | 'spraySuccess';
  day: string;
  level: 'low' | 'high';
}

/** A realistic input and what it should give. */
export interface SprayFixture {
  name: string;
  signIns: SignIn[];
  days: DayRange;
  expected: ExpectedSprayDetection[];
}

const NOV_5: DayRange = { from: '2026-11-05', to: '2026-11-05' };
const targets = (from: number, to: number, day = '2026-11-05'): ExpectedSprayDetection[] =>
  Array.from({ length: to - from }, (_, k) => ({
    principal: principal(from + k),
    kind: 'spray' as const,
    day,
    level: 'low' as const,
  }));

/** Inputs that hold a spray, with every detection they should raise. */
export const positiveFixtures: SprayFixture[] = [
  {
    name: 'twelve principals fail from one address within 40 minutes: each was targeted (low)',
    signIns: inOrder(spray('2026-11-05T02:10:00.000Z', 0, 12, 3, [7000215, 700027, 7000222])),
    days: NOV_5,
    expected: targets(0, 12),
  },
  {
    name: 'a principal that signs in successfully during the spray with the leaked secret is high',
    signIns: inOrder([
      ...spray('2026-11-05T02:10:00.000Z', 0, 12, 3),
      sprayRecord(12, '2026-11-05T02:31:07.000Z', 0),
    ]),
    days: NOV_5,
    expected: [
      ...targets(0, 12),
      { principal: principal(12), kind: 'spraySuccess', day: '2026-11-05', level: 'high' },
    ],
  },
  {
    name: 'a targeted principal that succeeds 20 hours later from the address gets both detections',
    signIns: inOrder([
      ...spray('2026-11-05T02:10:00.000Z', 0, 11, 4),
      sprayRecord(3, '2026-11-05T22:40:00.000Z', 0),
    ]),
    days: NOV_5,
    expected: [
      ...targets(0, 11),
      { principal: principal(3), kind: 'spraySuccess', day: '2026-11-05', level: 'high' },
    ],
  },
  {
    name: 'a spray across midnight flags each principal on the day of its own failures',
    signIns: inOrder(spray('2026-11-05T23:35:00.000Z', 0, 10, 5)),
    days: { from: '2026-11-05', to: '2026-11-06' },
    expected: [...targets(0, 5, '2026-11-05'), ...targets(5, 10, '2026-11-06')],
  },
  {
    name: 'probes of unknown app ids (700016) count towards the spray, but only real principals are flagged',
    signIns: inOrder([
      ...spray('2026-11-05T02:10:00.000Z', 0, 6, 2),
      ...spray('2026-11-05T02:22:00.000Z', 6, 10, 2, [700016], {
        servicePrincipalId: '00000000-0000-0000-0000-000000000000',
      }),
    ]),
    days: NOV_5,
    expected: targets(0, 6),
  },
  {
    name: 'a success an hour before the spray began is not flagged: the principal had not been sprayed yet',
    signIns: inOrder([
      sprayRecord(13, '2026-11-05T01:05:00.000Z', 0),
      ...spray('2026-11-05T02:10:00.000Z', 0, 10, 3),
    ]),
    days: NOV_5,
    expected: targets(0, 10),
  },
  {
    name: 'a success 25 hours after the last spray failure is beyond the horizon',
    signIns: inOrder([
      ...spray('2026-11-05T02:10:00.000Z', 0, 10, 3),
      sprayRecord(13, '2026-11-06T03:38:00.000Z', 0),
    ]),
    days: { from: '2026-11-05', to: '2026-11-06' },
    expected: targets(0, 10),
  },
];

/** Inputs that hold no spray: nothing should fire. */
export const negativeFixtures: SprayFixture[] = [
  {
    name: 'nine principals failing within an hour stay below the threshold of ten',
    signIns: inOrder(spray('2026-11-05T02:10:00.000Z', 0, 9, 5)),
    days: NOV_5,
    expected: [],
  },
  {
    name: 'twelve principals failing over three hours never reach ten within 60 minutes',
    signIns: inOrder(spray('2026-11-05T02:00:00.000Z', 0, 12, 16)),
    days: NOV_5,
    expected: [],
  },
  {
    name: 'one workload retrying an expired secret from its own egress all night is no spray',
    signIns: inOrder(
      Array.from({ length: 480 }, (_, k) =>
        sprayRecord(4, new Date(Date.parse('2026-11-05T00:00:00.000Z') + k * 60_000).toISOString(), 7000222, {
          ipAddress: AZURE_IP,
        }),
      ),
    ),
    days: NOV_5,
    expected: [],
  },
  {
    name: 'other failures (a disabled app, a conditional access block) are not credential guesses',
    signIns: inOrder([
      ...spray('2026-11-05T02:10:00.000Z', 0, 6, 3, [7000112]),
      ...spray('2026-11-05T02:30:00.000Z', 6, 12, 3, [53003]),
    ]),
    days: NOV_5,
    expected: [],
  },
  {
    name: 'successful sign-ins from an address that never sprayed are not flagged',
    signIns: inOrder([
      ...spray('2026-11-05T02:10:00.000Z', 0, 3, 3),
      ...Array.from({ length: 12 }, (_, i) => sprayRecord(i, '2026-11-05T03:00:00.000Z', 0)),
    ]),
    days: NOV_5,
    expected: [],
  },
];
