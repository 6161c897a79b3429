// Query options of the pod streaming subresources, decoded and validated as upstream does:
// PodLogOptions / PodExecOptions / PodAttachOptions / PodPortForwardOptions through the
// parameter codec (bools: absent, "0" and "false" are false, anything else true), then
// ValidatePodLogOptions for logs.
import * as errors from '../../machinery/errors.js';
import { type FieldError, forbidden, invalid } from '../../machinery/fieldErrors.js';
import type { ExecRequest, LogOptions, StreamRequest } from './types.js';

/** runtime.Convert_Slice_string_To_bool. */
function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  return !(v === '0' || v.toLowerCase() === 'false');
}

/** runtime.Convert_Slice_string_To_Pointer_int64: a bad number is a 400 with strconv's text. */
function int64Param(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[-+]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** metav1.Time.UnmarshalQueryParameter: RFC 3339; empty and "null" mean unset. */
function timeParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null || v === '' || v === 'null') return undefined;
  if (!rfc3339.test(v) || Number.isNaN(Date.parse(v))) {
    throw errors.badRequest(`parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(v)} as "2006"`);
  }
  return v;
}

export type ParsedLogOptions = Omit<LogOptions, 'container'> & { container: string };

/** Decodes and validates `…/log` options; `name` is the pod (the 422 names it). */
export function parseLogOptions(url: URL, name: string): ParsedLogOptions {
  const q = url.searchParams;
  const opts: ParsedLogOptions = {
    container: q.get('container') ?? '',
    follow: boolParam(q, 'follow'),
    previous: boolParam(q, 'previous'),
    timestamps: boolParam(q, 'timestamps'),
    tailLines: int64Param(q, 'tailLines'),
    limitBytes: int64Param(q, 'limitBytes'),
    sinceSeconds: int64Param(q, 'sinceSeconds'),
    sinceTime: timeParam(q, 'sinceTime'),
  };
  // insecureSkipTLSVerifyBackend is accepted and has nothing to act on: no TLS hop to a kubelet.
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) errs.push(invalid('tailLines', opts.tailLines, 'must be greater than or equal to 0'));
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) errs.push(invalid('limitBytes', opts.limitBytes, 'must be greater than 0'));
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push(forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errs.push(invalid('sinceSeconds', opts.sinceSeconds, 'must be greater than 0'));
  }
  if (errs.length) throw errors.invalid('', 'PodLogOptions', name, errs);
  for (const k of ['tailLines', 'limitBytes', 'sinceSeconds', 'sinceTime'] as const) if (opts[k] === undefined) delete opts[k];
  return opts;
}

export interface ParsedStreamOptions extends StreamRequest {
  container: string;
}

/** PodAttachOptions: the streams asked for. */
export function parseAttachOptions(url: URL): ParsedStreamOptions {
  const q = url.searchParams;
  return { container: q.get('container') ?? '', stdin: boolParam(q, 'stdin'), stdout: boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr'), tty: boolParam(q, 'tty') };
}

/** PodExecOptions: the streams and the repeated `command` parameter. */
export function parseExecOptions(url: URL): ParsedStreamOptions & Pick<ExecRequest, 'cmd'> {
  return { ...parseAttachOptions(url), cmd: url.searchParams.getAll('command') };
}

/**
 * The streaming server's own check (kubelet remotecommand NewOptions): with a TTY stderr is
 * merged into stdout and dropped, and at least one stream must be asked for.
 */
export function checkStreams(o: StreamRequest): StreamRequest {
  const stderr = o.stderr && !o.tty;
  if (!o.stdin && !o.stdout && !stderr) throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  return { stdin: o.stdin, stdout: o.stdout, stderr, tty: o.tty };
}

/** PodPortForwardOptions: `ports` (repeated or comma-separated), each 1–65535. */
export function parsePortForwardPorts(url: URL): number[] {
  const out: number[] = [];
  for (const v of url.searchParams.getAll('ports').flatMap((p) => p.split(','))) {
    const s = v.trim();
    if (s === '') continue;
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 65535) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
    out.push(Number(s));
  }
  return out;
}
