import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createSignInRiskWeights,
  DEFAULT_SIGN_IN_RISK_WEIGHTS,
  levelFromSignals,
  type SignInSignal,
} from './risk-weights.ts';

test('the default weights are those of the A1 risk table', () => {
  assert.deepEqual(
    { ...DEFAULT_SIGN_IN_RISK_WEIGHTS },
    {
      hostingFlip: 'strong',
      newAsnOtherOwner: 'strong',
      newCountryWithNewAsn: 'strong',
      newCredentialType: 'medium',
      newUserAgentProduct: 'medium',
      newResource: 'weak',
      newCountry: 'weak',
      newIpPrefix: 'weak',
      newAsnFamiliarProvider: 'weak',
      newUserAgentVersion: 'none',
      newIpAddress: 'none',
    },
  );
  assert.ok(Object.isFrozen(DEFAULT_SIGN_IN_RISK_WEIGHTS));
});

test('signals add up to a level as the table says', () => {
  const cases: [SignInSignal[], string][] = [
    [['newAsnOtherOwner', 'newCountryWithNewAsn'], 'high'],
    [['hostingFlip', 'newAsnOtherOwner', 'newIpPrefix'], 'high'],
    [['hostingFlip', 'newCredentialType'], 'high'],
    [['newAsnOtherOwner'], 'medium'],
    [['newAsnOtherOwner', 'newResource', 'newIpPrefix'], 'medium'],
    [['newCredentialType', 'newUserAgentProduct'], 'medium'],
    [['newCredentialType'], 'low'],
    [['newResource'], 'low'],
    [['newIpPrefix', 'newCountry', 'newAsnFamiliarProvider'], 'low'],
    [['newUserAgentVersion', 'newIpAddress'], 'none'],
    [[], 'none'],
  ];
  for (const [signals, level] of cases) assert.equal(levelFromSignals(signals), level, signals.join(' + '));
});

test('a signal repeated by several sign-ins of one group counts once', () => {
  assert.equal(levelFromSignals(['newAsnOtherOwner', 'newAsnOtherOwner', 'newAsnOtherOwner']), 'medium');
  assert.equal(levelFromSignals(['newCredentialType', 'newCredentialType']), 'low');
});

test('a tenant can change any weight and keeps the defaults for the rest', () => {
  const weights = createSignInRiskWeights({ newResource: 'medium', newCountryWithNewAsn: 'medium' });
  assert.equal(weights.newResource, 'medium');
  assert.equal(weights.hostingFlip, 'strong');
  assert.equal(levelFromSignals(['newResource', 'newCredentialType'], weights), 'medium');
  assert.equal(levelFromSignals(['newAsnOtherOwner', 'newCountryWithNewAsn'], weights), 'high');
  assert.equal(levelFromSignals(['newCountryWithNewAsn'], weights), 'low');
  assert.equal(DEFAULT_SIGN_IN_RISK_WEIGHTS.newResource, 'weak');
});
