import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import type { AdmissionContext } from '../types.js';
import { podStrategy as s } from './pod.js';
import { podQOSClass } from './podDefaults.js';
import { podUpdateForbiddenMessage } from './podUpdate.js';

const created = '2024-01-01T00:00:00Z';
const now = Date.parse('2024-01-01T01:00:00Z');

function pod(spec: Record<string, any> = {}, status?: Record<string, any>): KubeObject {
  const p: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'nginx', namespace: 'default', creationTimestamp: created },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }], ...spec },
  };
  if (status) p.status = status;
  return p;
}

function createdPod(spec: Record<string, any> = {}): KubeObject {
  const p = pod(spec);
  s.prepareForCreate(p);
  s.defaults(p);
  return p;
}

test('create: pod defaults, admission defaults, status reset to Pending with QoS', () => {
  const p = pod();
  p.status = { phase: 'Running', podIP: '1.2.3.4' };
  s.prepareForCreate(p);
  s.defaults(p);
  const spec = p.spec as Record<string, any>;
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  assert.equal(spec.priority, undefined, 'Priority admission (admit) sets it, from the PriorityClasses');
  assert.deepEqual(spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  assert.deepEqual(s.validate(p), []);
});

test('create: existing NoExecute tolerations are respected; limits become requests', () => {
  const p = createdPod({ tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] });
  const tolerations = (p.spec as any).tolerations as Record<string, unknown>[];
  assert.equal(tolerations.length, 2);
  assert.equal(tolerations[0].tolerationSeconds, 10);
  assert.equal(tolerations[1].key, 'node.kubernetes.io/not-ready');
  const q = createdPod({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] });
  assert.deepEqual((q.spec as any).containers[0].resources.requests, { cpu: '500m', memory: '128Mi' });
  assert.equal((q.status as any).qosClass, 'Guaranteed');
});

test('Priority admission on create only: not on binding writes (they carry a resourceVersion)', async () => {
  const ctx: AdmissionContext = {
    listAll: async (group) => (group === 'scheduling.k8s.io' ? [{ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'PreemptLowerPriority' }] : []),
    options: { serviceCIDR: '10.43.0.0/16', nodePortRange: [30000, 32767], clusterDomain: 'cluster.local' },
  };
  const p = createdPod({ priorityClassName: 'high' });
  assert.deepEqual(await s.admit(p, undefined, ctx), []);
  assert.deepEqual([(p.spec as any).priority, (p.spec as any).preemptionPolicy], [1000, 'PreemptLowerPriority']);
  const bound = createdPod({ priorityClassName: 'gone', priority: 5, nodeName: 'n1' });
  bound.metadata.resourceVersion = '42';
  assert.deepEqual(await s.admit(bound, undefined, ctx), []);
  assert.equal((bound.spec as any).priority, 5);
  await assert.rejects(s.admit(createdPod({ priorityClassName: 'gone' }), undefined, ctx), /pods "nginx" is forbidden: no PriorityClass with name gone was found/);
});

test('QoS classes', () => {
  assert.equal(podQOSClass({ containers: [{ resources: {} }] }), 'BestEffort');
  assert.equal(podQOSClass({ containers: [{ resources: { requests: { cpu: '100m' } } }] }), 'Burstable');
  assert.equal(podQOSClass({ containers: [{ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] }), 'Guaranteed');
  assert.equal(podQOSClass({ containers: [{ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } } }] }), 'Burstable');
});

test('scheduling gates add the SchedulingGated condition on create', () => {
  const p = createdPod({ schedulingGates: [{ name: 'example.com/wait' }] });
  assert.equal((p.status as any).conditions[0].reason, 'SchedulingGated');
  assert.equal(s.table.row(p, now)[2], 'SchedulingGated');
});

test('pod-only: image with surrounding whitespace', () => {
  const p = createdPod({ containers: [{ name: 'a', image: ' nginx' }] });
  assert.deepEqual(s.validate(p).map(fieldErrorMessage), ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']);
});

test('update: image, activeDeadlineSeconds and added tolerations may change', () => {
  const old = createdPod({ activeDeadlineSeconds: 100 });
  const next = structuredClone(old);
  (next.spec as any).containers[0].image = 'nginx:1.26';
  (next.spec as any).activeDeadlineSeconds = 50;
  (next.spec as any).tolerations.push({ key: 'x', operator: 'Exists' });
  assert.deepEqual(s.validateUpdate(next, old), []);
});

test('update: other spec changes get upstream Forbidden message', () => {
  const old = createdPod();
  const next = structuredClone(old);
  (next.spec as any).containers[0].ports = [{ containerPort: 80, protocol: 'TCP' }];
  const errs = s.validateUpdate(next, old);
  assert.equal(errs.length, 1);
  const msg = fieldErrorMessage(errs[0]);
  assert.ok(msg.startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'), msg);
  assert.ok(msg.includes('Containers'));
  assert.ok(podUpdateForbiddenMessage.startsWith('pod updates may not change fields other than'));
});

test('update: containers may not be added; deadlines may only shrink; tolerations may not be removed', () => {
  const old = createdPod({ activeDeadlineSeconds: 100 });
  const more = structuredClone(old);
  (more.spec as any).containers.push({ name: 'b', image: 'x' });
  assert.deepEqual(s.validateUpdate(more, old).map(fieldErrorMessage), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  const longer = structuredClone(old);
  (longer.spec as any).activeDeadlineSeconds = 200;
  assert.deepEqual(s.validateUpdate(longer, old).map(fieldErrorMessage), ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']);
  const fewer = structuredClone(old);
  (fewer.spec as any).tolerations = [];
  assert.deepEqual(s.validateUpdate(fewer, old).map(fieldErrorMessage)[0], 'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds');
});

test('main update keeps old status; status update keeps old spec and qosClass', () => {
  const old = createdPod();
  const next = structuredClone(old);
  next.status = { phase: 'Running' };
  s.prepareForUpdate(next, old);
  assert.deepEqual(next.status, old.status);
  const st = structuredClone(old);
  (st.spec as any).nodeName = 'node-1';
  st.status = { phase: 'Running' };
  st.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }];
  s.prepareForStatusUpdate(st, old);
  assert.equal((st.spec as any).nodeName, undefined);
  assert.deepEqual(st.status, { phase: 'Running', qosClass: 'BestEffort' });
  assert.equal(st.metadata.ownerReferences, undefined);
});

test('status update may not bring a terminated container of a Never pod back', () => {
  const old = createdPod({ restartPolicy: 'Never', nodeName: 'n' });
  old.status = { phase: 'Failed', containerStatuses: [{ name: 'nginx', state: { terminated: { exitCode: 1 } } }] };
  const next = structuredClone(old);
  next.status = { phase: 'Running', containerStatuses: [{ name: 'nginx', state: { running: {} } }] };
  assert.deepEqual(s.validateUpdate(next, old).map(fieldErrorMessage), ['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state']);
});

const cells = (p: KubeObject): unknown[] => s.table.row(p, now);

test('table: a pending pod', () => {
  const p = createdPod();
  assert.deepEqual(cells(p), ['nginx', '0/1', 'Pending', '0', '60m', '<none>', '<none>', '<none>', '<none>']);
  assert.deepEqual(s.table.columns.map((c) => `${c.name}:${c.priority}`), ['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1']);
});

test('table: running, waiting, completed and crash-looping pods', () => {
  const running = pod({ nodeName: 'node-1' }, {
    phase: 'Running',
    podIPs: [{ ip: '10.42.0.5' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, state: { running: { startedAt: created } } }],
  });
  assert.deepEqual(cells(running), ['nginx', '1/1', 'Running', '0', '60m', '10.42.0.5', 'node-1', '<none>', '<none>']);
  const creating = pod({}, { phase: 'Pending', containerStatuses: [{ name: 'nginx', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] });
  assert.equal(cells(creating)[2], 'ContainerCreating');
  const done = pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'nginx', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  assert.deepEqual(cells(done).slice(1, 4), ['0/1', 'Completed', '0']);
  const crash = pod({}, {
    phase: 'Running',
    containerStatuses: [{ name: 'nginx', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2024-01-01T00:55:00Z' } } }],
  });
  assert.deepEqual(cells(crash).slice(1, 4), ['0/1', 'CrashLoopBackOff', '3 (5m ago)']);
  const killed = pod({}, { phase: 'Failed', containerStatuses: [{ name: 'nginx', state: { terminated: { exitCode: 137 } } }] });
  assert.equal(cells(killed)[2], 'ExitCode:137');
});

test('table: init containers and terminating pods', () => {
  const spec = { initContainers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] };
  const init = pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'b', state: { running: {} } },
    ],
  });
  assert.equal(cells(init)[2], 'Init:1/2');
  const initCrash = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'a', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
  assert.equal(cells(initCrash)[2], 'Init:CrashLoopBackOff');
  const initFail = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'a', state: { terminated: { exitCode: 2 } } }] });
  assert.equal(cells(initFail)[2], 'Init:ExitCode:2');
  const sidecar = pod({ initContainers: [{ name: 'log', image: 'x', restartPolicy: 'Always' }] }, {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }],
    initContainerStatuses: [{ name: 'log', started: true, ready: true, state: { running: {} } }],
    containerStatuses: [{ name: 'nginx', ready: true, state: { running: {} } }],
  });
  assert.deepEqual(cells(sidecar).slice(1, 3), ['2/2', 'Running']);
  const deleting = pod({}, { phase: 'Running' });
  deleting.metadata.deletionTimestamp = '2024-01-01T00:59:00Z';
  assert.equal(cells(deleting)[2], 'Terminating');
});

test('field selectors as PodToSelectableFields', () => {
  const p = pod({ nodeName: 'node-1' }, { phase: 'Running', podIPs: [{ ip: '10.42.0.9' }] });
  s.defaults(p);
  const f = s.fieldSelectors;
  assert.equal(f['spec.nodeName'](p), 'node-1');
  assert.equal(f['spec.restartPolicy'](p), 'Always');
  assert.equal(f['spec.schedulerName'](p), 'default-scheduler');
  assert.equal(f['spec.hostNetwork'](p), 'false');
  assert.equal(f['status.phase'](p), 'Running');
  assert.equal(f['status.podIP'](p), '10.42.0.9');
  assert.equal(f['status.nominatedNodeName'](p), '');
  assert.equal(f['spec.nodeName'](pod()), '');
});

test('graceful delete: grace period from the request or the pod; unscheduled pods go at once', () => {
  const scheduled = createdPod({ nodeName: 'node-1' });
  scheduled.metadata.deletionTimestamp = '2024-01-01T01:00:00Z';
  const pending = s.gracefulDelete(structuredClone(scheduled), undefined);
  assert.equal(pending?.metadata.deletionGracePeriodSeconds, 30);
  assert.equal(pending?.metadata.deletionTimestamp, '2024-01-01T01:00:30Z');
  assert.equal(s.gracefulDelete(structuredClone(scheduled), 0), undefined);
  const unscheduled = createdPod();
  unscheduled.metadata.deletionTimestamp = '2024-01-01T01:00:00Z';
  assert.equal(s.gracefulDelete(unscheduled, 10), undefined);
  // Already terminating: only a shorter period changes anything.
  const again = s.gracefulDelete(structuredClone(pending!), 60);
  assert.deepEqual(again, pending);
  const shorter = s.gracefulDelete(structuredClone(pending!), 5);
  assert.equal(shorter?.metadata.deletionTimestamp, '2024-01-01T01:00:05Z');
  assert.equal(shorter?.metadata.deletionGracePeriodSeconds, 5);
});
