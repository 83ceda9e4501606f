import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { specsDir } from "./specs-dir";

// A validator for the structural OpenAPI v3 schemas of CustomResourceDefinitions (the Flux and Argo CD
// CRDs in ../shared/specs). It covers the keywords those files use: type, properties, required,
// additionalProperties, items, enum, pattern, format date-time, min/maxLength, minimum, anyOf (with
// x-kubernetes-int-or-string) and x-kubernetes-preserve-unknown-fields. As the API server prunes what a
// structural schema does not name, a field the schema lacks is an error here: a test server cannot serve
// a field the real API server would never return. CEL rules (x-kubernetes-validations) are not evaluated.

export interface CrdSchema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  properties?: Record<string, CrdSchema>;
  additionalProperties?: CrdSchema | boolean;
  items?: CrdSchema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  anyOf?: CrdSchema[];
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const patterns = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source, "u")));
  return re;
}

/** Every way `value` breaks `schema`, as `path: problem`; empty when it conforms. */
export function validateCrdSchema(value: unknown, schema: CrdSchema, at = "$"): string[] {
  if (value === null || value === undefined) return [];
  if (schema["x-kubernetes-int-or-string"]) {
    return Number.isInteger(value) || typeof value === "string" ? [] : [`${at}: expected an integer or a string, got ${JSON.stringify(value)}`];
  }
  if (schema.anyOf && !schema.anyOf.some((s) => validateCrdSchema(value, { ...schema, anyOf: undefined, ...s }, at).length === 0)) {
    return [`${at}: matches none of anyOf`];
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  switch (schema.type) {
    case "string": {
      if (typeof value !== "string") return [`${at}: expected a string, got ${JSON.stringify(value)}`];
      const out: string[] = [];
      if (schema.format === "date-time" && !DATE_TIME.test(value)) out.push(`${at}: expected a date-time, got ${value}`);
      if (schema.pattern && !pattern(schema.pattern).test(value)) out.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${at}: longer than ${schema.maxLength}`);
      if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${at}: shorter than ${schema.minLength}`);
      return out;
    }
    case "integer":
      if (!Number.isInteger(value)) return [`${at}: expected an integer, got ${JSON.stringify(value)}`];
      return schema.minimum !== undefined && (value as number) < schema.minimum ? [`${at}: below ${schema.minimum}`] : [];
    case "number":
      return typeof value === "number" ? [] : [`${at}: expected a number, got ${JSON.stringify(value)}`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: expected a boolean, got ${JSON.stringify(value)}`];
    case "array":
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      return schema.items ? value.flatMap((v, i) => validateCrdSchema(v, schema.items as CrdSchema, `${at}[${i}]`)) : [];
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${at}: expected an object`];
      const record = value as Record<string, unknown>;
      const out = (schema.required ?? []).filter((k) => record[k] === undefined).map((k) => `${at}.${k}: required`);
      for (const [key, v] of Object.entries(record)) {
        const property = schema.properties?.[key];
        if (property) out.push(...validateCrdSchema(v, property, `${at}.${key}`));
        else if (typeof schema.additionalProperties === "object") out.push(...validateCrdSchema(v, schema.additionalProperties, `${at}.${key}`));
        else if (!schema["x-kubernetes-preserve-unknown-fields"] && schema.additionalProperties !== true) out.push(`${at}.${key}: not in the schema`);
      }
      return out;
    }
    default:
      return [];
  }
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: CrdSchema };
}

export interface LoadedCrd {
  group: string;
  kind: string;
  plural: string;
  version: string;
  schema: CrdSchema;
}

/** The served version of the CRD in `file` (relative to the specs folder), with its schema. */
export function loadCrd(file: string): LoadedCrd {
  const doc = parse(fs.readFileSync(path.join(specsDir(), file), "utf8")) as {
    spec: { group: string; names: { kind: string; plural: string }; versions: CrdVersion[] };
  };
  const version = doc.spec.versions.find((v) => v.served && v.storage) ?? doc.spec.versions.find((v) => v.served);
  const schema = version?.schema?.openAPIV3Schema;
  if (!version || !schema) throw new Error(`${file}: no served version with a schema`);
  // The API server fills metadata itself and validates it as ObjectMeta, which the CRD does not spell out.
  const withMeta: CrdSchema = { ...schema, properties: { ...schema.properties, metadata: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } };
  return { group: doc.spec.group, kind: doc.spec.names.kind, plural: doc.spec.names.plural, version: version.name, schema: withMeta };
}
