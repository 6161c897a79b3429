import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../machinery/errors.js';
import { checkStreams, parseExecOptions, parseLogOptions, parsePortForwardPorts } from './options.js';

const u = (q: string): URL => new URL(`https://x/api/v1/namespaces/d/pods/p/log?${q}`);

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('parseLogOptions', () => {
  it('decodes what kubectl sends', () => {
    assert.deepEqual(parseLogOptions(u('container=c&follow=true&tailLines=5&timestamps=true&insecureSkipTLSVerifyBackend=true'), 'p'), {
      container: 'c',
      follow: true,
      previous: false,
      timestamps: true,
      tailLines: 5,
    });
    assert.deepEqual(parseLogOptions(u('previous=1&sinceTime=2024-01-02T03:04:05Z&limitBytes=10'), 'p'), {
      container: '',
      follow: false,
      previous: true,
      timestamps: false,
      limitBytes: 10,
      sinceTime: '2024-01-02T03:04:05Z',
    });
  });

  it('reads booleans as the parameter codec does: only absent, 0 and false are false', () => {
    assert.equal(parseLogOptions(u('follow=0'), 'p').follow, false);
    assert.equal(parseLogOptions(u('follow=FALSE'), 'p').follow, false);
    assert.equal(parseLogOptions(u('follow='), 'p').follow, true);
    assert.equal(parseLogOptions(u('follow=yes'), 'p').follow, true);
  });

  it('answers 422 with every ValidatePodLogOptions error', () => {
    const e = apiError(() => parseLogOptions(u('tailLines=-1&limitBytes=0&sinceSeconds=0'), 'p'));
    assert.equal(e.code, 422);
    assert.equal(
      e.message,
      'PodLogOptions "p" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0, sinceSeconds: Invalid value: 0: must be greater than 0]',
    );
    const both = apiError(() => parseLogOptions(u('sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z'), 'p'));
    assert.equal(both.message, 'PodLogOptions "p" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  });

  it('answers 400 for values that do not decode', () => {
    const e = apiError(() => parseLogOptions(u('tailLines=abc'), 'p'));
    assert.equal(e.code, 400);
    assert.equal(e.message, 'strconv.ParseInt: parsing "abc": invalid syntax');
    assert.equal(apiError(() => parseLogOptions(u('sinceTime=yesterday'), 'p')).code, 400);
  });
});

describe('exec and port-forward options', () => {
  it('collects the repeated command and the streams', () => {
    assert.deepEqual(parseExecOptions(new URL('https://x/exec?command=ls&command=-l&container=c&stdout=true&stderr=true')), {
      container: 'c',
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
      cmd: ['ls', '-l'],
    });
  });

  it('drops stderr under a TTY and needs at least one stream, as the kubelet does', () => {
    assert.deepEqual(checkStreams({ stdin: true, stdout: true, stderr: true, tty: true }), { stdin: true, stdout: true, stderr: false, tty: true });
    const e = apiError(() => checkStreams({ stdin: false, stdout: false, stderr: true, tty: true }));
    assert.equal(e.code, 400);
    assert.equal(e.message, 'you must specify at least 1 of stdin, stdout, stderr');
  });

  it('reads ports repeated or comma-separated', () => {
    assert.deepEqual(parsePortForwardPorts(new URL('https://x/portforward?ports=80,443&ports=8080')), [80, 443, 8080]);
    assert.equal(apiError(() => parsePortForwardPorts(new URL('https://x/portforward?ports=http'))).code, 400);
  });
});
