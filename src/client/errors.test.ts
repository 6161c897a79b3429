import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alreadyExists, conflict, gone, notFound, resourceExpired } from '../machinery/errors.js';
import { apiErrorFromResponse, isAlreadyExists, isConflict, isGone, isNotFound, isResourceExpired } from './errors.js';

const pods = { group: '', resource: 'pods' };

test('helpers read the reason first, the code only for unknown reasons', () => {
  assert.equal(isNotFound(notFound(pods, 'a')), true);
  assert.equal(isConflict(conflict(pods, 'a', 'x')), true);
  assert.equal(isConflict(alreadyExists(pods, 'a')), false);
  assert.equal(isAlreadyExists(alreadyExists(pods, 'a')), true);
  assert.equal(isGone(gone('x')), true);
  assert.equal(isGone(resourceExpired('x')), true);
  assert.equal(isResourceExpired(gone('x')), false);
  assert.equal(isNotFound(new Error('not found')), false);
  assert.equal(isNotFound(apiErrorFromResponse(404, { kind: 'Status', code: 404, reason: 'SomethingNew' })), true);
});

test('apiErrorFromResponse keeps the Status, or builds one for other bodies', () => {
  const e = apiErrorFromResponse(409, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Conflict', message: 'm', code: 409, details: { name: 'a' } });
  assert.equal(e.code, 409);
  assert.equal(e.message, 'm');
  assert.deepEqual(e.status.details, { name: 'a' });
  const g = apiErrorFromResponse(502, '<html>bad gateway</html>');
  assert.equal(g.code, 502);
  assert.equal(g.reason, 'Unknown');
  assert.match(g.message, /status code 502: <html>bad gateway<\/html>/);
  const t = apiErrorFromResponse(504, undefined);
  assert.equal(t.reason, 'Timeout');
  assert.equal(t.message, 'the server responded with the status code 504 but did not return more information');
});
