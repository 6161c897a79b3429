// Protobuf form of the Swagger 2.0 document, as gnostic's `openapi.v2.Document`
// (github.com/google/gnostic openapiv2/OpenAPIv2.proto). kubectl 1.27/1.28 only accept this
// form (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`). Below is the
// subset of the .proto that skiff writes, with upstream's field numbers; vendor extensions
// are NamedAny values whose Any.yaml holds the YAML text of the value, as gnostic stores them.
// Not encoded: security definitions, examples, headers, external docs, xml (skiff has none).
import protobuf from 'protobufjs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { isPlainObject } from '../../machinery/types.js';
import type { JsonObject } from './schemas.js';

const proto = `
syntax = "proto3";
package openapi.v2;

message Any { string yaml = 2; }
message NamedAny { string name = 1; Any value = 2; }
message Info { string title = 1; string version = 2; string description = 3; }
message JsonReference { string _ref = 1; string description = 2; }

message Document {
  string swagger = 1;
  Info info = 2;
  repeated string consumes = 6;
  repeated string produces = 7;
  Paths paths = 8;
  Definitions definitions = 9;
  repeated NamedAny vendor_extension = 16;
}
message Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message PathItem {
  string _ref = 1;
  Operation get = 2;
  Operation put = 3;
  Operation post = 4;
  Operation delete = 5;
  Operation options = 6;
  Operation head = 7;
  Operation patch = 8;
  repeated ParametersItem parameters = 9;
  repeated NamedAny vendor_extension = 10;
}
message Operation {
  repeated string tags = 1;
  string summary = 2;
  string description = 3;
  string operation_id = 5;
  repeated string produces = 6;
  repeated string consumes = 7;
  repeated ParametersItem parameters = 8;
  Responses responses = 9;
  repeated string schemes = 10;
  bool deprecated = 11;
  repeated NamedAny vendor_extension = 13;
}
message ParametersItem { oneof oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message BodyParameter {
  string description = 1;
  string name = 2;
  string in = 3;
  bool required = 4;
  Schema schema = 5;
  repeated NamedAny vendor_extension = 6;
}
message NonBodyParameter {
  oneof oneof {
    QueryParameterSubSchema query_parameter_sub_schema = 3;
    PathParameterSubSchema path_parameter_sub_schema = 4;
  }
}
message QueryParameterSubSchema {
  bool required = 1;
  string in = 2;
  string description = 3;
  string name = 4;
  bool allow_empty_value = 5;
  string type = 6;
  string format = 7;
  bool unique_items = 20;
  repeated NamedAny vendor_extension = 23;
}
message PathParameterSubSchema {
  bool required = 1;
  string in = 2;
  string description = 3;
  string name = 4;
  string type = 5;
  string format = 6;
  bool unique_items = 19;
  repeated NamedAny vendor_extension = 22;
}
message Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message ResponseValue { oneof oneof { Response response = 1; JsonReference json_reference = 2; } }
message Response { string description = 1; SchemaItem schema = 2; repeated NamedAny vendor_extension = 5; }
message SchemaItem { oneof oneof { Schema schema = 1; } }
message Definitions { repeated NamedSchema additional_properties = 1; }
message NamedSchema { string name = 1; Schema value = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message TypeItem { repeated string value = 1; }
message ItemsItem { repeated Schema schema = 1; }
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message Schema {
  string _ref = 1;
  string format = 2;
  string title = 3;
  string description = 4;
  Any default = 5;
  repeated string required = 19;
  repeated Any enum = 20;
  AdditionalPropertiesItem additional_properties = 21;
  TypeItem type = 22;
  ItemsItem items = 23;
  repeated Schema all_of = 24;
  Properties properties = 25;
  bool read_only = 27;
  repeated NamedAny vendor_extension = 31;
}
`;

const root = protobuf.parse(proto, { keepCase: true }).root;
const DocumentType = root.lookupType('openapi.v2.Document');

type ProtoObj = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): JsonObject => (isPlainObject(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function anyValue(v: unknown): ProtoObj {
  return { yaml: stringifyYaml(v) };
}

function vendorExtensions(o: JsonObject): ProtoObj[] {
  return Object.entries(o)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, value]) => ({ name, value: anyValue(value) }));
}

function schemaToProto(s: JsonObject): ProtoObj {
  const out: ProtoObj = {};
  if (str(s.$ref)) out._ref = s.$ref;
  if (str(s.format)) out.format = s.format;
  if (str(s.description)) out.description = s.description;
  if (s.default !== undefined) out.default = anyValue(s.default);
  if (Array.isArray(s.required)) out.required = s.required;
  if (Array.isArray(s.enum)) out.enum = s.enum.map(anyValue);
  if (isPlainObject(s.additionalProperties)) out.additional_properties = { schema: schemaToProto(s.additionalProperties) };
  else if (typeof s.additionalProperties === 'boolean') out.additional_properties = { boolean: s.additionalProperties };
  if (str(s.type)) out.type = { value: [s.type] };
  if (isPlainObject(s.items)) out.items = { schema: [schemaToProto(s.items)] };
  if (Array.isArray(s.allOf)) out.all_of = s.allOf.map((x) => schemaToProto(obj(x)));
  if (isPlainObject(s.properties)) {
    out.properties = { additional_properties: Object.entries(s.properties).map(([name, v]) => ({ name, value: schemaToProto(obj(v)) })) };
  }
  const ext = vendorExtensions(s);
  if (ext.length) out.vendor_extension = ext;
  return out;
}

function parameterToProto(p: JsonObject): ProtoObj {
  if (p.in === 'body') {
    return {
      parameter: {
        body_parameter: { description: str(p.description) ?? '', name: str(p.name) ?? 'body', in: 'body', required: p.required === true, schema: schemaToProto(obj(p.schema)) },
      },
    };
  }
  const common = {
    required: p.required === true,
    in: str(p.in) ?? '',
    description: str(p.description) ?? '',
    name: str(p.name) ?? '',
    type: str(p.type) ?? '',
    unique_items: p.uniqueItems === true,
  };
  const sub = p.in === 'path' ? { path_parameter_sub_schema: common } : { query_parameter_sub_schema: common };
  return { parameter: { non_body_parameter: sub } };
}

function operationToProto(op: JsonObject): ProtoObj {
  const responses = Object.entries(obj(op.responses)).map(([code, r]) => {
    const resp = obj(r);
    const response: ProtoObj = { description: str(resp.description) ?? '' };
    if (isPlainObject(resp.schema)) response.schema = { schema: schemaToProto(resp.schema) };
    return { name: code, value: { response } };
  });
  return {
    tags: arr(op.tags),
    description: str(op.description) ?? '',
    operation_id: str(op.operationId) ?? '',
    produces: arr(op.produces),
    consumes: arr(op.consumes),
    parameters: arr(op.parameters).map((p) => parameterToProto(obj(p))),
    responses: { response_code: responses },
    schemes: arr(op.schemes),
    vendor_extension: vendorExtensions(op),
  };
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** Encodes a Swagger 2.0 JSON document (as built by buildV2Document) as gnostic's protobuf. */
export function encodeV2Protobuf(doc: JsonObject): Buffer {
  const info = obj(doc.info);
  const paths = Object.entries(obj(doc.paths)).map(([name, item]) => {
    const it = obj(item);
    const value: ProtoObj = { parameters: arr(it.parameters).map((p) => parameterToProto(obj(p))) };
    for (const m of methods) if (isPlainObject(it[m])) value[m] = operationToProto(it[m]);
    return { name, value };
  });
  const definitions = Object.entries(obj(doc.definitions)).map(([name, s]) => ({ name, value: schemaToProto(obj(s)) }));
  const message = DocumentType.fromObject({
    swagger: str(doc.swagger) ?? '2.0',
    info: { title: str(info.title) ?? '', version: str(info.version) ?? '' },
    paths: { path: paths },
    definitions: { additional_properties: definitions },
  });
  return Buffer.from(DocumentType.encode(message).finish());
}

function schemaFromProto(p: ProtoObj): JsonObject {
  const out: JsonObject = {};
  if (p._ref) out.$ref = p._ref;
  if (p.description) out.description = p.description;
  const type = arr(obj(p.type).value);
  if (type.length) out.type = type[0];
  if (p.format) out.format = p.format;
  if (Array.isArray(p.required) && p.required.length) out.required = p.required;
  if (Array.isArray(p.enum) && p.enum.length) out.enum = p.enum.map((e) => parseYaml(str(obj(e).yaml) ?? ''));
  if (p.default) out.default = parseYaml(str(obj(p.default).yaml) ?? '');
  const props = arr(obj(p.properties).additional_properties);
  if (p.properties) {
    const o: JsonObject = {};
    for (const np of props) o[str(obj(np).name) ?? ''] = schemaFromProto(obj(obj(np).value));
    out.properties = o;
  }
  const items = arr(obj(p.items).schema);
  if (items.length) out.items = schemaFromProto(obj(items[0]));
  const ap = obj(p.additional_properties);
  if (isPlainObject(ap.schema)) out.additionalProperties = schemaFromProto(ap.schema);
  else if (typeof ap.boolean === 'boolean') out.additionalProperties = ap.boolean;
  if (Array.isArray(p.all_of) && p.all_of.length) out.allOf = p.all_of.map((x) => schemaFromProto(obj(x)));
  for (const e of arr(p.vendor_extension)) out[str(obj(e).name) ?? ''] = parseYaml(str(obj(obj(e).value).yaml) ?? '');
  return out;
}

/**
 * Decodes the protobuf form back to plain objects (definitions as JSON schemas, paths as
 * decoded messages with snake_case keys). Used by tests to check the encoding round-trips.
 */
export function decodeV2Protobuf(buf: Uint8Array): { swagger: string; info: JsonObject; paths: Record<string, ProtoObj>; definitions: Record<string, JsonObject> } {
  const decoded = DocumentType.toObject(DocumentType.decode(buf), { defaults: false, arrays: true, oneofs: false }) as ProtoObj;
  const definitions: Record<string, JsonObject> = {};
  for (const d of arr(obj(decoded.definitions).additional_properties)) definitions[str(obj(d).name) ?? ''] = schemaFromProto(obj(obj(d).value));
  const paths: Record<string, ProtoObj> = {};
  for (const p of arr(obj(decoded.paths).path)) paths[str(obj(p).name) ?? ''] = obj(obj(p).value);
  return { swagger: str(decoded.swagger) ?? '', info: obj(decoded.info), paths, definitions };
}
