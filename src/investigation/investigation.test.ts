import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerOf, evidenceActorOf, evidenceItem, worseVerdict } from './investigation.ts';

test("a question's verdict is its worst item's, its evidence in time then id order", () => {
  const items = [
    evidenceItem({
      id: 'b',
      kind: 'x',
      dateTime: '2026-11-20T10:00:00.000Z',
      description: 'b',
      verdict: 'suspicious',
    }),
    evidenceItem({ id: 'a', kind: 'x', dateTime: '2026-11-20T10:00:00.000Z', description: 'a' }),
    evidenceItem({ id: 'c', kind: 'x', dateTime: '2026-11-19T08:00:00.000Z', description: 'c' }),
  ];
  const answer = answerOf(
    'credentialChanges',
    'Were credentials added or removed?',
    items,
    (v, e) => `${v} ${e.length}`,
  );
  assert.equal(answer.verdict, 'suspicious');
  assert.deepEqual(
    answer.evidence.map((e) => e.id),
    ['c', 'a', 'b'],
  );
  assert.equal(answer.summary, 'suspicious 3');
  assert.equal(worseVerdict('confirmed', 'suspicious'), 'confirmed');
});

test('an application actor is named by its display name and identified by its service principal', () => {
  assert.deepEqual(
    evidenceActorOf({
      kind: 'app',
      id: null,
      displayName: 'legacy-automation',
      userPrincipalName: null,
      appId: '0f3c8a21-7b4d-4e96-a5c2-8d1e9b3f6a47',
      servicePrincipalId: '4b8e2f17-9a3c-4d61-8e05-7c2a9f1d3b84',
      ipAddress: null,
    }),
    { kind: 'app', name: 'legacy-automation', id: '4b8e2f17-9a3c-4d61-8e05-7c2a9f1d3b84' },
  );
});
