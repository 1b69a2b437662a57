import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKeyDescriptions } from './parse-key-description.ts';

/** How Entra writes a KeyDescription value: JSON text of an array of bracketed strings. */
function keyDescription(...entries: string[]): string {
  return JSON.stringify(entries);
}

test('reads every key of a KeyDescription value', () => {
  const text = keyDescription(
    '[KeyIdentifier=5B9F3E61-2A7C-4D84-B0F9-8E1C6D3A7B25,KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=contoso-billing-sync]',
    '[KeyIdentifier=c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48,KeyType=Password,KeyUsage=Verify,DisplayName=billing-sync-2024]',
  );
  assert.deepEqual(parseKeyDescriptions(text), [
    {
      keyId: '5b9f3e61-2a7c-4d84-b0f9-8e1c6d3a7b25',
      keyType: 'AsymmetricX509Cert',
      usage: 'Verify',
      displayName: 'CN=contoso-billing-sync',
    },
    {
      keyId: 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48',
      keyType: 'Password',
      usage: 'Verify',
      displayName: 'billing-sync-2024',
    },
  ]);
});

test('display names may contain commas, equals signs and brackets', () => {
  const [key] = parseKeyDescriptions(
    keyDescription(
      '[KeyIdentifier=0d4c8e27-6b1f-4a93-9e58-3a7f2c1b6d04,KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=build, O=Contoso Ltd [prod]]',
    ),
  );
  assert.equal(key?.displayName, 'CN=build, O=Contoso Ltd [prod]');
});

test('an empty list, null and values without keys yield nothing', () => {
  assert.deepEqual(parseKeyDescriptions('[]'), []);
  assert.deepEqual(parseKeyDescriptions(null), []);
  assert.deepEqual(parseKeyDescriptions('"KeyDescription"'), []);
});

test('missing fields are null, and entries without a key identifier are ignored', () => {
  const keys = parseKeyDescriptions(
    keyDescription(
      '[KeyIdentifier=2d8f6b14-9c3e-4a57-b1e8-7f0a3c5d9e26,KeyType=Password]',
      '[KeyType=Password,KeyUsage=Verify]',
    ),
  );
  assert.deepEqual(keys, [
    { keyId: '2d8f6b14-9c3e-4a57-b1e8-7f0a3c5d9e26', keyType: 'Password', usage: null, displayName: null },
  ]);
});

test('double-encoded values, object entries and unparsable text are still read', () => {
  const entry =
    '[KeyIdentifier=2d8f6b14-9c3e-4a57-b1e8-7f0a3c5d9e26,KeyType=Password,KeyUsage=Verify,DisplayName=reporting-2023]';
  const expected = [
    {
      keyId: '2d8f6b14-9c3e-4a57-b1e8-7f0a3c5d9e26',
      keyType: 'Password',
      usage: 'Verify',
      displayName: 'reporting-2023',
    },
  ];
  assert.deepEqual(parseKeyDescriptions(JSON.stringify(keyDescription(entry))), expected);
  assert.deepEqual(
    parseKeyDescriptions(
      JSON.stringify([
        {
          KeyIdentifier: '2d8f6b14-9c3e-4a57-b1e8-7f0a3c5d9e26',
          KeyType: 'Password',
          KeyUsage: 'Verify',
          DisplayName: 'reporting-2023',
        },
      ]),
    ),
    expected,
  );
  // Truncated by a log shipper: the JSON is broken but the entry is whole.
  assert.deepEqual(parseKeyDescriptions(`["${entry}", "[KeyIdent`), expected);
});
