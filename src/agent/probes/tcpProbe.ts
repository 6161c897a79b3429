// tcpSocket probes (pkg/probe/tcp): success when a TCP connection opens within the timeout;
// every error is a failure whose output is the dial error as Go prints it
// (`dial tcp 10.42.0.7:8080: connect: connection refused`, `… i/o timeout`), since that is
// what `kubectl describe pod` shows in the Unhealthy event.
import { connect } from 'node:net';
import { joinHostPort, type ProbeOutcome } from './types.js';

/** Go's net.OpError text for a failed dial of `addr` (host:port). */
export function dialErrorText(err: unknown, addr: string): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  switch (code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`;
    case 'ENETUNREACH':
      return `dial tcp ${addr}: connect: network is unreachable`;
    case 'ETIMEDOUT':
      return `dial tcp ${addr}: i/o timeout`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN': {
      const host = addr.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
      return `dial tcp: lookup ${host}: no such host`;
    }
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

export function runTcpProbe(host: string, port: number, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` });
    }, timeoutSeconds * 1000);
    socket.once('connect', () => {
      clearTimeout(timer);
      // Close at once: the probe only asks whether the port accepts connections.
      socket.destroy();
      resolve({ result: 'success', output: '' });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ result: 'failure', output: dialErrorText(err, addr) });
    });
  });
}
