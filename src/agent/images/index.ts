// Images for the containerd runtime: building OCI archives from busybox, importing archives,
// the sandbox (pause) image, and registries.yaml → containerd hosts directory + pull credentials.
export { buildImageParts, imageLayoutArchive, writeImageArchive, busyboxApplets, defaultBusybox, ociArchitecture, sha256, IMAGE_EPOCH, MEDIA_TYPES } from './ociImage.js';
export type { Blob, ImageDescription, ImageFile, ImageParts, ImageRuntimeConfig } from './ociImage.js';
export { importImageArchive, importImagesDir, IMPORT_LEDGER, type ImportedImage, type ImportDirResult, type ImportOptions } from './importImage.js';
export { ensurePauseImage, pauseImageDescription, PAUSE_IMAGE, PAUSE_COMMAND } from './pauseImage.js';
export {
  hostDirName, hostsToml, loadRegistries, normalizeEndpoint, parseRegistries, registryAuthFor, registryHostOf, writeRegistryHosts, HOSTS_HEADER,
  type PullAuth, type RegistriesConfig, type RegistryAuthEntry, type RegistryMirror, type RegistryTLS, type WriteHostsResult,
} from './registries.js';
export { containerdAnswers, listImages, runCtr, CtrError, CRI_NAMESPACE, type ListedImage } from './ctr.js';
export {
  ImageGCManager, startImageGC, defaultImageGCPolicy,
  type FsStats, type ImageGCOptions, type ImageGCRuntime, type NodeEventRecorder, type RunningImageGC,
} from './imageGC.js';
