import { readFileSync } from "node:fs";
import path from "node:path";
import { specsDir } from "./specs-dir";
import type { Definitions, SwaggerSchema } from "./swagger-schema";

// Argo CD's published API description (../shared/specs/argocd-swagger.json, argoproj/argo-cd
// assets/swagger.json), the contract of the Argo CD test server.

interface Parameter {
  name: string;
  in: string;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  responses: Record<string, { schema?: SwaggerSchema }>;
}
interface Description {
  paths: Record<string, Record<string, Operation>>;
  definitions: Definitions;
}

export const ARGOCD_SWAGGER = path.join(specsDir(), "argocd-swagger.json");

let cached: Description | undefined;
export function argoCdDescription(): Description {
  cached ??= JSON.parse(readFileSync(ARGOCD_SWAGGER, "utf8")) as Description;
  return cached;
}

export function operation(route: string, method = "get"): Operation {
  const op = argoCdDescription().paths[route]?.[method];
  if (!op) throw new Error(`argocd-swagger.json has no ${method.toUpperCase()} ${route}`);
  return op;
}

/** The schema of a status's response; other statuses use the `default` (runtimeError) one. */
export function responseSchema(route: string, status: number): SwaggerSchema {
  const responses = operation(route).responses;
  const schema = (responses[String(status)] ?? responses.default)?.schema;
  if (!schema) throw new Error(`argocd-swagger.json: GET ${route} describes no ${status} response`);
  return schema;
}

/**
 * The query parameters an operation takes. `fields` is not in the description: it is the projection
 * Argo CD's gateway forwarder applies to every list and stream (pkg/apiclient/application/forwarder_overwrite.go).
 */
export function queryParameters(route: string): Set<string> {
  return new Set([...(operation(route).parameters ?? []).filter((p) => p.in === "query").map((p) => p.name), "fields"]);
}
