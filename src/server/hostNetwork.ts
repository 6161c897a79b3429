// Host routing rules a real node needs so cluster traffic never leaves the machine by accident:
// the service range gets a blackhole route (an unmatched Service IP is dropped here instead of
// following the default route out), as the brief's network rule asks.
import { spawnSync } from 'node:child_process';
import type { Logger } from './log.js';

function ip(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: (r.stderr ?? '').trim() || (r.error?.message ?? '') };
}

export function routeServiceRangeLocally(serviceCIDR: string, log: Logger): void {
  const r = ip(['route', 'replace', 'blackhole', serviceCIDR]);
  if (!r.ok) log.warn(`could not add a blackhole route for the service range ${serviceCIDR}: ${r.err}`);
}

export function removeServiceRangeRoute(serviceCIDR: string): void {
  ip(['route', 'del', 'blackhole', serviceCIDR]);
}
