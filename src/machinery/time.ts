// metav1.Time on the wire: RFC 3339 in UTC, to the second (sub-second digits are dropped,
// as Go's time.Time marshals a Time truncated by the apiserver).
export function rfc3339(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
