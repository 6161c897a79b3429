// Decodes `application/vnd.kubernetes.protobuf` request bodies (kubectl >= 1.32 sends them for
// `create <generator>`, `create token`, `auth can-i`, `auth whoami`, `autoscale`,
// `certificate approve`) into the plain JSON object the rest of the server works with.
// Wire format (apimachinery runtime/serializer/protobuf): the magic bytes "k8s\0", then a
// runtime.Unknown {typeMeta{apiVersion, kind}, raw, contentEncoding, contentType} whose `raw`
// is the object itself, protobuf-encoded. Every failure is a 400 BadRequest, never a crash.
import { badRequest, isApiError } from '../../machinery/errors.js';
import { messageToJson } from './convert.js';
import { objectType, unknownType } from './schema.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** The object in its JSON shape, `apiVersion` and `kind` included. */
  object: Record<string, unknown>;
}

/** True when a Content-Type header names the Kubernetes protobuf media type (parameters ignored). */
export function isProtobufContentType(ct: string): boolean {
  return ct.split(';')[0].trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
}

/**
 * Decodes one protobuf-encoded object. `defaults` fills an envelope that leaves apiVersion or kind
 * empty, as upstream's copyKindDefaults does with the GVK of the endpoint being called.
 */
export function decodeProtobufObject(body: Uint8Array, defaults?: { apiVersion?: string; kind?: string }): DecodedObject {
  // Wording of the three framing errors matches apimachinery's protobuf Serializer.Decode.
  if (body.length === 0) throw badRequest('empty data');
  if (body.length < MAGIC.length || !MAGIC.equals(Buffer.from(body.subarray(0, MAGIC.length)))) {
    throw badRequest(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  if (body.length === MAGIC.length) throw badRequest('empty body');

  const envelope = decodeOrReject(() => unknownType().decode(body.subarray(MAGIC.length)), 'protobuf envelope (runtime.Unknown)');
  const typeMeta: unknown = Reflect.get(envelope, 'typeMeta');
  let apiVersion = typeMeta !== null && typeof typeMeta === 'object' ? String(Reflect.get(typeMeta, 'apiVersion') ?? '') : '';
  let kind = typeMeta !== null && typeof typeMeta === 'object' ? String(Reflect.get(typeMeta, 'kind') ?? '') : '';
  if (apiVersion === '') apiVersion = defaults?.apiVersion ?? '';
  if (kind === '') kind = defaults?.kind ?? '';
  if (kind === '') throw badRequest("Object 'Kind' is missing in protobuf envelope");
  if (apiVersion === '') throw badRequest(`Object 'apiVersion' is missing for kind "${kind}" in protobuf envelope`);

  const contentEncoding = String(Reflect.get(envelope, 'contentEncoding') ?? '');
  if (contentEncoding !== '') throw badRequest(`unsupported protobuf content encoding "${contentEncoding}"`);
  const contentType = String(Reflect.get(envelope, 'contentType') ?? '');
  if (contentType !== '' && !isProtobufContentType(contentType)) {
    throw badRequest(`unsupported content type "${contentType}" inside protobuf envelope`);
  }

  const type = objectType(apiVersion, kind);
  // Same wording as runtime.Scheme's notRegisteredErr for an unknown apiVersion/kind.
  if (!type) throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);

  const rawField: unknown = Reflect.get(envelope, 'raw');
  const raw = rawField instanceof Uint8Array ? rawField : new Uint8Array(0);
  const message = decodeOrReject(() => type.decode(raw), `${kind} in version "${apiVersion}"`);
  const converted = decodeOrReject(() => messageToJson(type, message, (bytes) => decodeProtobufObject(bytes).object), `${kind} in version "${apiVersion}"`);
  const fields = converted !== null && typeof converted === 'object' ? converted : {};
  return { apiVersion, kind, object: { apiVersion, kind, ...fields } };
}

function decodeOrReject<T>(work: () => T, what: string): T {
  try {
    return work();
  } catch (err) {
    if (isApiError(err)) throw err;
    throw badRequest(`unable to decode ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
