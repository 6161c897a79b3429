// Stand-ins for the public images the e2e tests (and the mission's example manifests) name,
// all built from the host's busybox-static so no test ever needs the internet. They keep the
// parts of the real images tests can observe: names, default commands, exposed ports, the
// nginx welcome page on port 80, and prompt exit on SIGTERM (a shell PID 1 only reacts to
// signals it traps, so every long-running default command traps TERM).
import { buildImageParts, writeImageArchive, type ImageDescription, type ImageParts } from '../../src/agent/images/ociImage.js';

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const WELCOME_PAGE = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. (skiff test image: busybox httpd standing in for nginx.)</p>
</body>
</html>
`;

/** /usr/sbin/nginx: answers -v/-t like nginx; otherwise serves the html dir on :80 until SIGTERM/SIGQUIT. */
function nginxScript(version: string): string {
  return `#!/bin/sh
# nginx stand-in for skiff's tests: busybox httpd serving /usr/share/nginx/html on port 80.
case "$1" in
  -v|-V) echo "nginx version: nginx/${version}" >&2; exit 0 ;;
  -t|-T) echo "nginx: configuration file /etc/nginx/nginx.conf test is successful" >&2; exit 0 ;;
esac
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT QUIT
httpd -f -v -p 80 -h /usr/share/nginx/html &
pid=$!
wait "$pid"
`;
}

function nginxLike(name: string, version: string): ImageDescription {
  return {
    name,
    busybox: true,
    files: [
      { path: '/usr/sbin/nginx', content: nginxScript(version), mode: 0o755 },
      { path: '/usr/share/nginx/html/index.html', content: WELCOME_PAGE, mode: 0o644 },
      { path: '/usr/share/nginx/html/50x.html', content: '<!DOCTYPE html>\n<html><head><title>Error</title></head><body><h1>An error occurred.</h1></body></html>\n' },
      { path: '/etc/nginx/nginx.conf', content: '# stand-in: busybox httpd needs no configuration\n' },
      { path: '/var/log/nginx', dir: true },
    ],
    config: {
      Cmd: ['nginx', '-g', 'daemon off;'],
      Env: [PATH_ENV, `NGINX_VERSION=${version}`],
      ExposedPorts: ['80/tcp'],
      StopSignal: 'SIGTERM',
    },
  };
}

export const TEST_IMAGE_NAMES = {
  busybox: 'docker.io/library/busybox:latest',
  alpine: 'docker.io/library/alpine:latest',
  nginx: 'docker.io/library/nginx:1.14.2',
  nginxSlim: 'registry.k8s.io/nginx-slim:0.8',
  test: 'localhost/skiff/test:1',
} as const;

export function testImageDescriptions(): ImageDescription[] {
  return [
    { name: TEST_IMAGE_NAMES.busybox, busybox: true, config: { Cmd: ['sh'], Env: [PATH_ENV] } },
    {
      name: TEST_IMAGE_NAMES.alpine,
      busybox: true,
      files: [
        { path: '/etc/alpine-release', content: '3.18.4\n' },
        { path: '/etc/os-release', content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME="Alpine Linux v3.18 (skiff busybox stand-in)"\n' },
      ],
      config: { Cmd: ['/bin/sh'], Env: [PATH_ENV] },
    },
    nginxLike(TEST_IMAGE_NAMES.nginx, '1.14.2'),
    nginxLike(TEST_IMAGE_NAMES.nginxSlim, '1.9.1'),
    {
      name: TEST_IMAGE_NAMES.test,
      busybox: true,
      files: [{ path: '/etc/skiff-test-image', content: 'skiff test image 1\n' }],
      // Runs until SIGTERM, then exits 0 at once.
      config: { Cmd: ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait; done'], Env: [PATH_ENV], WorkingDir: '/' },
    },
  ];
}

let cached: ImageParts[] | undefined;

/** Every test image's blobs (built once per process; about 2 MB each, mostly busybox). */
export function buildTestImages(): ImageParts[] {
  cached ??= testImageDescriptions().map(buildImageParts);
  return cached;
}

/** One OCI layout archive holding every test image (for `ctr images import` or <data-dir>/images/). */
export function writeTestImagesArchive(file: string, names?: readonly string[]): ImageParts[] {
  const descs = testImageDescriptions().filter((d) => !names || names.includes(d.name));
  return writeImageArchive(file, descs);
}
