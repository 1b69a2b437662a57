import type { ConditionalAccessStatus } from '../../domain/index.ts';
import { createEnumNormaliser } from './normalise-enum-member.ts';

/** A sign-in's `conditionalAccessStatus` as a Graph enum member (unknown values → `unknownFutureValue`); null when absent. */
export const normaliseConditionalAccessStatus = createEnumNormaliser<ConditionalAccessStatus>(
  ['success', 'failure', 'notApplied', 'unknownFutureValue'],
  'unknownFutureValue',
);
