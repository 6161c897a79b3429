// Container logs as the kubelet serves them: reading CRI log files for `kubectl logs`, and
// writing CRI log records.
export { readContainerLog, type ReadContainerLogOptions } from './readContainerLog.js';
export { ContainerLogError } from './errors.js';
export { formatCriLogLine, parseCriLogLine, type CriStream, type LogMessage } from './criFormat.js';
export { type LogTimestamp } from './timestamp.js';
