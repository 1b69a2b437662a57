import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findClientSecrets, isClientSecretShape } from '../leaks/client-secret-shape.ts';
import { clientSecretText } from './client-secret-text.ts';
import { createRandom } from './random.ts';

describe('clientSecretText', () => {
  it('writes secrets scanners recognise, starting with the hint Entra shows', () => {
    const rnd = createRandom(5);
    for (const hint of ['Qx7', 'a1B', '9zZ', 'k~.']) {
      const secret = clientSecretText(rnd, hint);
      assert.equal(secret.slice(0, 3), hint);
      assert.equal(secret.length, 40);
      assert.ok(isClientSecretShape(secret), secret);
      // Found whole inside a configuration line, not cut short or run on.
      assert.deepEqual(
        findClientSecrets(`AZURE_CLIENT_SECRET=${secret} AZURE_TENANT_ID=x`).map((m) => m.secret),
        [secret],
      );
    }
    assert.throws(() => clientSecretText(rnd, 'ab'), RangeError);
  });
});
