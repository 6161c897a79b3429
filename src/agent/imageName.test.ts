import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeImage } from './imageName.js';

test('image references are normalised as containerd reports them', () => {
  const cases: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.14.2', 'docker.io/library/nginx:1.14.2'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['registry.k8s.io/nginx-slim:0.8', 'registry.k8s.io/nginx-slim:0.8'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['busybox@sha256:abc', 'docker.io/library/busybox@sha256:abc'],
  ];
  for (const [image, want] of cases) assert.equal(normalizeImage(image), want, image);
});
