// A validator for the Swagger 2.0 schemas of Argo CD's API description (argocd-swagger.json). The
// description uses only type, properties, items, additionalProperties, format and $ref, so this
// covers exactly those, with one deliberate strictness: a property the schema does not name is an
// error (Argo CD's schemas list every field), so a test server cannot serve a field Argo CD lacks.

export interface SwaggerSchema {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "boolean" | "number";
  format?: string;
  properties?: Record<string, SwaggerSchema>;
  additionalProperties?: SwaggerSchema | boolean;
  items?: SwaggerSchema;
}

export type Definitions = Record<string, SwaggerSchema>;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Every way `value` breaks `schema`, as `path: problem`; empty when it conforms. */
export function validateSwagger(value: unknown, schema: SwaggerSchema, definitions: Definitions, path = "$"): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/definitions\//, "");
    const target = definitions[name];
    if (!target) return [`${path}: unknown schema ${schema.$ref}`];
    return validateSwagger(value, target, definitions, path);
  }
  if (value === null || value === undefined) return [];
  switch (schema.type) {
    case "string":
      if (typeof value !== "string") return [`${path}: expected a string, got ${JSON.stringify(value)}`];
      if (schema.format === "date-time" && !DATE_TIME.test(value)) return [`${path}: expected a date-time, got ${value}`];
      if (schema.format === "int64" && !/^-?\d+$/.test(value)) return [`${path}: expected an int64 string, got ${value}`];
      return [];
    case "integer":
      // grpc-gateway writes int64 as a string; Argo CD's Kubernetes-style marshaler as a number.
      if (Number.isInteger(value) || (schema.format === "int64" && typeof value === "string" && /^-?\d+$/.test(value))) return [];
      return [`${path}: expected an integer, got ${JSON.stringify(value)}`];
    case "number":
      return typeof value === "number" ? [] : [`${path}: expected a number`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: expected a boolean`];
    case "array":
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      return value.flatMap((v, i) => (schema.items ? validateSwagger(v, schema.items, definitions, `${path}[${i}]`) : []));
    case "object":
    case undefined: {
      if (schema.type === undefined && !schema.properties && !schema.additionalProperties) return [];
      if (typeof value !== "object" || Array.isArray(value)) return [`${path}: expected an object`];
      const out: string[] = [];
      for (const [key, v] of Object.entries(value)) {
        const property = schema.properties?.[key];
        if (property) out.push(...validateSwagger(v, property, definitions, `${path}.${key}`));
        else if (typeof schema.additionalProperties === "object") out.push(...validateSwagger(v, schema.additionalProperties, definitions, `${path}.${key}`));
        else if (schema.additionalProperties !== true) out.push(`${path}.${key}: not in the schema`);
      }
      return out;
    }
  }
}
