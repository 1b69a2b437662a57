import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INVALID_JSON, readJsonColumn } from './read-json-column.ts';

test('JSON text and already-parsed values read the same', () => {
  const location = { city: 'Amsterdam', countryOrRegion: 'NL' };
  assert.deepEqual(readJsonColumn(JSON.stringify(location)), location);
  assert.equal(readJsonColumn(location), location);
  assert.deepEqual(readJsonColumn('[]'), []);
});

test('blank text is absent, `null` is null, anything else is invalid', () => {
  assert.equal(readJsonColumn(''), undefined);
  assert.equal(readJsonColumn('  '), undefined);
  assert.equal(readJsonColumn('null'), null);
  assert.equal(readJsonColumn('{"city":"Amst'), INVALID_JSON);
  assert.equal(readJsonColumn('Amsterdam'), INVALID_JSON);
});
