import type { Migration } from 'kysely';
import { ingestFoundation } from './2026-11-26-0001-ingest-foundation.ts';
import { risk } from './2026-11-27-0002-risk.ts';
import { baselines } from './2026-11-27-0003-baselines.ts';
import { signInTimeIndex } from './2026-11-27-0005-sign-in-time-index.ts';
import { credentialAdditions } from './2026-11-27-0006-credential-additions.ts';
import { failedSignInsAndTaxiiPolls } from './2026-11-27-0007-failed-sign-ins-and-taxii-polls.ts';
import { unplacedCredentialAudits } from './2026-11-27-0008-unplaced-credential-audits.ts';
import { apiPageIndexes } from './2026-11-27-0009-api-page-indexes.ts';
import { conditionalAccess } from './2026-11-27-0010-conditional-access.ts';
import { exportOutbox } from './2026-11-27-0011-export-outbox.ts';
import { credentialActions } from './2026-11-27-0012-credential-actions.ts';
import { signInHistory } from './2026-11-27-0013-sign-in-history.ts';
import { signInScan } from './2026-11-27-0014-sign-in-scan.ts';

/** Every migration, by name; names sort in the order they apply. An explicit list: no directory scanning. */
export const migrations: Record<string, Migration> = {
  '2026-11-26-0001-ingest-foundation': ingestFoundation,
  '2026-11-27-0002-risk': risk,
  '2026-11-27-0003-baselines': baselines,
  '2026-11-27-0005-sign-in-time-index': signInTimeIndex,
  '2026-11-27-0006-credential-additions': credentialAdditions,
  '2026-11-27-0007-failed-sign-ins-and-taxii-polls': failedSignInsAndTaxiiPolls,
  '2026-11-27-0008-unplaced-credential-audits': unplacedCredentialAudits,
  '2026-11-27-0009-api-page-indexes': apiPageIndexes,
  '2026-11-27-0010-conditional-access': conditionalAccess,
  '2026-11-27-0011-export-outbox': exportOutbox,
  '2026-11-27-0012-credential-actions': credentialActions,
  '2026-11-27-0013-sign-in-history': signInHistory,
  '2026-11-27-0014-sign-in-scan': signInScan,
};
