import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostAddress, IpPool, nodeSubnet } from './ipam.js';

test('node subnets: node N gets 10.42.N.0/24; wider clusters use other masks', () => {
  assert.equal(nodeSubnet('10.42.0.0/16', 24, 0), '10.42.0.0/24');
  assert.equal(nodeSubnet('10.42.0.0/16', 24, 255), '10.42.255.0/24');
  assert.equal(nodeSubnet('10.64.0.0/10', 24, 4999), '10.83.135.0/24');
  assert.throws(() => nodeSubnet('10.42.0.0/16', 24, 256), /holds 256 \/24 node subnets/);
  assert.equal(hostAddress('172.16.0.0/12', 0), '172.16.0.1');
  assert.equal(hostAddress('172.16.0.0/12', 300), '172.16.1.45');
});

test('pod IPs: .2 upwards (network and gateway reserved), sequential with wrap-around, no reuse until then', () => {
  const pool = new IpPool('10.42.3.0/29'); // .2 … .6
  assert.equal(pool.size, 5);
  const got = [pool.allocate(), pool.allocate(), pool.allocate()];
  assert.deepEqual(got, ['10.42.3.2', '10.42.3.3', '10.42.3.4']);
  pool.release('10.42.3.2');
  assert.equal(pool.allocate(), '10.42.3.5', 'a released address is not handed out at once');
  assert.equal(pool.allocate(), '10.42.3.6');
  assert.equal(pool.allocate(), '10.42.3.2', 'wraps around to free addresses');
  assert.throws(() => pool.allocate(), /no IP addresses available in range set: 10\.42\.3\.2-10\.42\.3\.6/);
  assert.equal(pool.inUse, 5);
});
