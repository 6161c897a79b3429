import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cniConflist, containerdConfig } from './containerd.js';
import { nsToMs, sandboxInfoOf } from './convert.js';

describe('containerd config and CNI conflist', () => {
  it('writes the measured config with private paths, the sandbox image and the registry hosts dir', () => {
    const toml = containerdConfig('/d/containerd', { sandboxImage: 'localhost/skiff/pause:1', registryConfigDir: '/d/containerd/certs.d', runcPath: '/usr/sbin/runc' });
    for (const line of [
      'root = "/d/containerd/root"',
      'state = "/d/containerd/state"',
      '  address = "/d/containerd/containerd.sock"',
      '    sandbox_image = "localhost/skiff/pause:1"',
      '    restrict_oom_score_adj = true',
      '    stream_server_port = "0"',
      '          BinaryName = "/usr/sbin/runc"',
      '          SystemdCgroup = false',
      '      conf_dir = "/d/containerd/cni/net.d"',
      '    [plugins."io.containerd.grpc.v1.cri".registry]',
      '      config_path = "/d/containerd/certs.d"',
    ]) {
      assert.ok(toml.split('\n').includes(line), `missing: ${line}`);
    }
    assert.ok(!containerdConfig('/d', { sandboxImage: 'p', runcPath: 'runc' }).includes('config_path'));
  });

  it('puts the bridge gateway on the first address of the pod CIDR, IPAM state under the dir', () => {
    const c = cniConflist('/d', '10.42.0.0/24') as { plugins: Array<Record<string, unknown>> };
    const bridge = c.plugins[0] as { bridge: string; ipam: { dataDir: string; ranges: Array<Array<{ subnet: string; gateway: string }>> } };
    assert.equal(bridge.bridge, 'skiff0');
    assert.deepEqual(bridge.ipam.ranges, [[{ subnet: '10.42.0.0/24', gateway: '10.42.0.1' }]]);
    assert.equal(bridge.ipam.dataDir, '/d/cni/ipam');
    assert.deepEqual(c.plugins[1], { type: 'portmap', capabilities: { portMappings: true } });
    assert.equal((cniConflist('/d', '10.42.3.7/24', 'br9').plugins as Array<{ bridge?: string; ipam?: { ranges: unknown } }>)[0].bridge, 'br9');
  });
});

describe('CRI conversions', () => {
  it('turns int64 nanoseconds into milliseconds exactly', () => {
    assert.equal(nsToMs('1764312752085973918'), 1764312752085);
    assert.equal(nsToMs('0'), undefined);
  });

  it('maps a PodSandbox to the agent SandboxInfo', () => {
    const info = sandboxInfoOf({
      id: 's1',
      metadata: { name: 'web', uid: 'u1', namespace: 'ns', attempt: 2 },
      state: 'SANDBOX_NOTREADY',
      created_at: '2000000000',
      labels: {},
      annotations: {},
      runtime_handler: '',
    });
    assert.deepEqual(info, { id: 's1', podUid: 'u1', podName: 'web', podNamespace: 'ns', attempt: 2, state: 'notready', createdAt: 2000 });
  });
});
