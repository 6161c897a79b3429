// What one resource kind tells the rest of skiff about itself. The apiserver, discovery,
// OpenAPI, tables, selectors and validation are all driven by these descriptions
// (one per kind, in src/resources/<group>/<kind>.ts), never by per-kind branches elsewhere.
import type { FieldError } from '../machinery/fieldErrors.js';
import type { KubeObject } from '../machinery/types.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const allVerbs: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 = always shown; 1 = only with `-o wide`. */
  priority: number;
}

export type TableCell = string | number | boolean | null;

export interface TableSpec {
  /** Every column, as upstream's printer lists them (Name first for all kinds but Events). */
  columns: TableColumn[];
  /** One cell per column above; `now` (ms since epoch) for ages. */
  row(obj: KubeObject, now: number): TableCell[];
}

export interface ScaleSpec {
  /** Dotted paths into the object. */
  specReplicasPath: string;
  statusReplicasPath: string;
  /** Where the label selector lives as a LabelSelector struct (rendered as a string in Scale.status.selector). */
  selectorPath: string;
}

/** What validation and admission hooks may look at beyond the object itself. */
export interface AdmissionContext {
  /** Lists every stored object of a resource (all namespaces), e.g. to find used clusterIPs. */
  listAll(group: string, resource: string): Promise<KubeObject[]>;
  /** Reads one stored object, undefined when absent (the pod's ServiceAccount). Optional: without it, listAll is searched. */
  get?(group: string, resource: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  /** Options of this server (service CIDR, node port range …). */
  readonly options: ClusterOptions;
}

export interface ClusterOptions {
  serviceCIDR: string;
  nodePortRange: [number, number];
  clusterDomain: string;
}

/** A POST to `<object>/<subresource>` that changes or removes the object (pods/binding, pods/eviction). */
export interface PostSubresource {
  /** The kind of the posted body (`Binding`, `policy/v1 Eviction`). */
  kind: { group: string; version: string; kind: string };
  /** The write the body asks for, given the current object; throws ApiError when refused. */
  apply(obj: KubeObject, body: KubeObject, now: string): { update: KubeObject } | { delete: { gracePeriodSeconds?: number; uid?: string } };
}

export interface ResourceStrategy {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, the URL segment: `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Verbs served; defaults to allVerbs. */
  verbs?: readonly Verb[];
  /** Definition name of the kind in the schema registry (`io.k8s.api.apps.v1.Deployment`). */
  schemaRef: string;
  /** The status subresource exists: spec and status are written separately, as upstream. */
  hasStatus?: boolean;
  scale?: ScaleSpec;
  /**
   * Objects of this kind live in another kind's storage (events.k8s.io/v1 Event in core
   * Events): the stored form is the other kind's, converted on the way in and out.
   */
  storage?: { group: string; resource: string; toStorage(obj: KubeObject): KubeObject; fromStorage(obj: KubeObject): KubeObject };
  /** Fill upstream defaults in place (runs on create, update and patch results). */
  defaults?(obj: KubeObject): void;
  /** Clear what a create may not set (status for kinds with a status subresource …). */
  prepareForCreate?(obj: KubeObject): void;
  /** Main-resource update: keep old status and other server-owned fields. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Status update: keep everything but status (and metadata the status may change). */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject): void;
  /** All errors at once; never mutates. Name/namespace/metadata rules are checked by the apiserver. */
  validate(obj: KubeObject): FieldError[];
  /** Extra rules on update (immutable fields …); validate() also runs on the new object. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Name rule: 'subdomain' (default, DNS-1123 subdomain), 'label' (DNS-1123 label), 'dns1035' (Services), 'path' (any path segment). */
  nameRule?: 'subdomain' | 'label' | 'dns1035' | 'path';
  /** Extra name check on create, beyond nameRule (CronJob ≤ 52 characters …), errors on metadata.name. */
  validateName?(name: string): FieldError[];
  /** Allocations and other checks that need cluster state (Service clusterIP, nodePorts). */
  admit?(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): Promise<FieldError[]>;
  /**
   * Graceful deletion (Pods with a grace period, Namespaces with spec.finalizers): return
   * the object as it should be stored while something else completes the deletion, or
   * undefined to delete now. deletionTimestamp is set by the apiserver before the call.
   */
  gracefulDelete?(obj: KubeObject, gracePeriodSeconds: number | undefined): KubeObject | undefined;
  /** True while kind-specific finalizers (Namespace spec.finalizers) still block removal. */
  pendingFinalizers?(obj: KubeObject): boolean;
  /** Subresources served by POST (binding, eviction). */
  postSubresources?: Record<string, PostSubresource>;
  /** Columns for `kubectl get`. */
  table: TableSpec;
  /** Field selectors beyond metadata.name and metadata.namespace. */
  fieldSelectors?: Record<string, (obj: KubeObject) => string | undefined>;
  /** Warnings returned with a successful write (e.g. deprecated fields). */
  warnings?(obj: KubeObject): string[];
}
