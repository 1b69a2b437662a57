import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCountryCode } from './country-codes.ts';

describe('isCountryCode', () => {
  it('knows assigned codes, recent ones (SS, CW, BQ) and XK included', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const sample = ['DE', 'US', 'KP', 'SS', 'CW', 'BQ', 'AX', 'XK'];
    for (const code of sample) {
      assert.ok(isCountryCode(code), code);
      assert.ok(names.of(code), code);
    }
  });

  it('refuses lower case, macro regions, reserved and three-letter codes', () => {
    for (const code of ['de', 'EU', 'UN', 'ZZ', 'UK', 'AN', 'DEU', ''])
      assert.equal(isCountryCode(code), false, code);
  });
});
