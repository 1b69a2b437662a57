// A certificate of the invoice workload removed during a remediation, and sign-ins around it.

import { workloadSignIn } from '../../baselines/workload-sign-in.fixture.ts';
import type { RemovedCredential, SignIn } from '../../domain/index.ts';

/** The workload's old certificate, removed by an administrator on 2025-03-04. */
export const removedCertificate: RemovedCredential = {
  keyId: '3e7b9d15-4a2c-4f86-b0d3-6c8e1f5a9b27',
  thumbprint: '9F2C4B7E1A3D5F6081B2C3D4E5F60718293A4B5C',
  type: 'certificate',
  ownerType: 'application',
  removedAt: '2025-03-04T10:00:00.000Z',
  removedBy: 'alex.wu@contoso.com',
};

/** Sign-ins that must raise the detection, each with why. */
export const positiveFixtures: { name: string; signIns: SignIn[] }[] = [
  {
    name: 'a successful sign-in with the removed certificate an hour after its removal',
    signIns: [
      workloadSignIn({ id: 'late-1', createdAt: '2025-03-04T11:00:00.000Z', ipAddress: '185.220.101.4' }),
    ],
  },
  {
    name: 'a sign-in naming the removed certificate by thumbprint only',
    signIns: [
      workloadSignIn({
        id: 'late-2',
        createdAt: '2025-03-05T02:00:00.000Z',
        credentialKeyId: null,
        credentialThumbprint: removedCertificate.thumbprint,
      }),
    ],
  },
];

/** Sign-ins that must not raise it. */
export const negativeFixtures: { name: string; signIns: SignIn[] }[] = [
  {
    name: 'sign-ins with the certificate before it was removed',
    signIns: [workloadSignIn({ id: 'early', createdAt: '2025-03-04T09:59:59.000Z' })],
  },
  {
    name: 'a failed attempt with the removed certificate (Entra refused it, as it should)',
    signIns: [
      workloadSignIn({
        id: 'refused',
        createdAt: '2025-03-04T12:00:00.000Z',
        statusCode: 7000215,
        failureReason: 'Invalid client secret provided.',
      }),
    ],
  },
  {
    name: 'a successful sign-in with the new certificate',
    signIns: [
      workloadSignIn({
        id: 'new-cert',
        createdAt: '2025-03-04T12:00:00.000Z',
        credentialKeyId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
      }),
    ],
  },
];
