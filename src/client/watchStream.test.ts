import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWatchStream } from './watchStream.js';

const ev = (name: string) => ({ type: 'ADDED' as const, object: { metadata: { name } } });

test('events come out in order; end finishes iteration; onStop runs once', async () => {
  let stops = 0;
  const { stream, sink } = createWatchStream(() => stops++);
  sink.push(ev('a'));
  sink.push(ev('b'));
  setImmediate(() => {
    sink.push(ev('c'));
    sink.end();
    sink.push(ev('late'));
  });
  const names: string[] = [];
  for await (const e of stream) names.push(e.type === 'ERROR' ? '' : (e.object.metadata.name ?? ''));
  assert.deepEqual(names, ['a', 'b', 'c']);
  stream.stop();
  assert.equal(stops, 1);
  assert.equal(sink.closed, true);
});

test('fail makes the iterator throw after buffered events; break stops the source', async () => {
  const { stream, sink } = createWatchStream(() => {});
  sink.push(ev('a'));
  sink.fail(new Error('connection reset'));
  const names: string[] = [];
  await assert.rejects(async () => {
    for await (const e of stream) names.push(e.type);
  }, /connection reset/);
  assert.deepEqual(names, ['ADDED']);

  let stopped = false;
  const second = createWatchStream(() => (stopped = true));
  second.sink.push(ev('x'));
  second.sink.push(ev('y'));
  for await (const _ of second.stream) break;
  assert.equal(stopped, true);
  assert.equal(second.sink.closed, true);
});
