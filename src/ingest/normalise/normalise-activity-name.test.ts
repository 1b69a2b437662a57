import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseActivityName } from './normalise-activity-name.ts';

const CANONICAL = 'Update application - Certificates and secrets management';

test('en dash, em dash, minus sign and hyphen spellings all match the canonical name', () => {
  for (const variant of [
    'Update application – Certificates and secrets management ',
    'Update application – Certificates and secrets management',
    'Update application — Certificates and secrets management',
    'Update application − Certificates and secrets management',
    'Update application - Certificates and secrets management',
    '  Update  application\u00a0-\tCertificates and secrets   management  ',
  ]) {
    assert.equal(normaliseActivityName(variant), CANONICAL, JSON.stringify(variant));
  }
});

test('clean names come back as they are, case included', () => {
  const name = 'Add service principal credentials';
  assert.equal(normaliseActivityName(name), name);
  assert.equal(normaliseActivityName('Hard Delete application'), 'Hard Delete application');
});
