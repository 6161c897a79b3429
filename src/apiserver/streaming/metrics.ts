// Counts of pod streaming sessions by path, like upstream's apiserver_stream_translator_requests
// and apiserver_stream_tunnel_requests metrics: tests read them to prove which path served a
// kubectl session (a silent fallback from the WebSocket tunnel to plain SPDY looks the same
// to kubectl).
export const streamingMetrics = {
  /** Upgrades relayed byte-for-byte to the runtime (SPDY exec/attach/port-forward, older WebSocket protocols). */
  upgradeProxy: 0,
  /** WebSocket v5.channel.k8s.io exec/attach sessions translated to SPDY. */
  execTranslator: 0,
  /** WebSocket-tunnelled SPDY port-forward sessions (SPDY/3.1+portforward.k8s.io). */
  portForwardTunnel: 0,
  /** Log streams served from a backend. */
  logs: 0,
};
