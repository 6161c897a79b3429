// meta.k8s.io/v1 Table output for `kubectl get`, driven by each kind's table description.
import type { KubeObject, ListMeta } from '../machinery/types.js';
import type { TableColumn } from '../resources/types.js';
import type { ResourceInfo } from './registry.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: TableColumn[];
  rows: { cells: unknown[]; object?: unknown }[];
}

export function partialObjectMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(info: ResourceInfo, objects: readonly KubeObject[], meta: ListMeta, include: IncludeObject, withColumns = true): Table {
  const now = Date.now();
  const spec = info.strategy.table;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? spec.columns : [],
    rows: objects.map((o) => {
      const row: { cells: unknown[]; object?: unknown } = { cells: spec.row(o, now) };
      if (include === 'Object') row.object = o;
      else if (include === 'Metadata') row.object = partialObjectMetadata(o);
      return row;
    }),
  };
}

export function parseIncludeObject(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
