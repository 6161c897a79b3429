// grpc probes (pkg/probe/grpc): grpc.health.v1.Health/Check on podIP:port over plaintext,
// connecting and answering within the timeout; SERVING is success, every other outcome a
// failure with upstream's output (`service unhealthy (responded with "NOT_SERVING")`,
// `timeout: failed to connect service "10.42.0.7:9000" within 1s: …`). The two tiny
// messages are encoded by hand rather than loading health.proto.
import { Client, credentials, Metadata, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { goDuration } from '../backoff.js';
import { probeUserAgent } from './httpProbe.js';
import { goQuote, joinHostPort, type ProbeOutcome } from './types.js';

const servingStatus = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** HealthCheckRequest { string service = 1; } */
export function encodeHealthCheckRequest(service: string): Buffer {
  if (service === '') return Buffer.alloc(0);
  const body = Buffer.from(service, 'utf8');
  const len: number[] = [];
  let n = body.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x0a, ...len]), body]);
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    v += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [v, pos];
    shift += 7;
  }
}

/** HealthCheckResponse { ServingStatus status = 1; } → the status number (0 when absent). */
export function decodeHealthCheckResponse(buf: Buffer): number {
  let pos = 0;
  let status = 0;
  while (pos < buf.length) {
    let key: number;
    [key, pos] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      let v: number;
      [v, pos] = readVarint(buf, pos);
      if (field === 1) status = v;
    } else if (wire === 2) {
      let len: number;
      [len, pos] = readVarint(buf, pos);
      pos += len;
    } else if (wire === 5) pos += 4;
    else if (wire === 1) pos += 8;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return status;
}

const statusName = (n: number): string => servingStatus[n] ?? String(n);

export function runGrpcProbe(host: string, port: number, service: string, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const timeout = goDuration(timeoutSeconds * 1000);
  const deadline = Date.now() + timeoutSeconds * 1000;
  const client = new Client(addr, credentials.createInsecure(), { 'grpc.primary_user_agent': probeUserAgent });
  return new Promise<ProbeOutcome>((resolve) => {
    client.waitForReady(deadline, (err) => {
      if (err) {
        resolve({ result: 'failure', output: `timeout: failed to connect service ${goQuote(addr)} within ${timeout}: context deadline exceeded` });
        return;
      }
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        (s: string) => encodeHealthCheckRequest(s),
        (b: Buffer) => decodeHealthCheckResponse(b),
        service,
        new Metadata(),
        { deadline },
        (e: ServiceError | null, st?: number) => {
          if (e) {
            if (e.code === grpcStatus.UNIMPLEMENTED) resolve({ result: 'failure', output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${e.details}` });
            else if (e.code === grpcStatus.DEADLINE_EXCEEDED) resolve({ result: 'failure', output: `timeout: health rpc did not complete within ${timeout}` });
            else resolve({ result: 'failure', output: `error: health rpc probe failed: rpc error: code = ${grpcCodeName(e.code)} desc = ${e.details}` });
            return;
          }
          const s = st ?? 0;
          if (s !== 1) resolve({ result: 'failure', output: `service unhealthy (responded with ${goQuote(statusName(s))})` });
          else resolve({ result: 'success', output: 'service healthy' });
        },
      );
    });
  }).finally(() => client.close());
}

/** grpc-go's codes.Code.String(): `Unavailable`, `PermissionDenied`, …. */
function grpcCodeName(code: number): string {
  const name = Object.entries(grpcStatus).find(([, v]) => v === code)?.[0];
  if (!name) return `Code(${code})`;
  return name.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s: string, c: string) => c.toUpperCase()).replace(/^Ok$/, 'OK');
}
