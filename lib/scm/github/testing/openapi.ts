import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
// The named export: the default one is the CommonJS module object under plain Node ESM (tsx), not the class.
import { OpenAPIBackend, type Document } from "openapi-backend";

// GitHub's own OpenAPI description (@octokit/openapi) as the contract of the test server: every
// request it receives and every response it sends is validated against it. The document is 13 MB;
// it is read once per test file and pruned to the operations the provider uses, so openapi-backend
// compiles only their validators (lazily, on first use).

/** Operations the GitHub provider calls (and the test server implements). */
export const OPERATIONS: Record<string, readonly [path: string, method: string]> = {
  "apps/get-repo-installation": ["/repos/{owner}/{repo}/installation", "get"],
  "apps/create-installation-access-token": ["/app/installations/{installation_id}/access_tokens", "post"],
  "users/get-authenticated": ["/user", "get"],
  "teams/list-for-authenticated-user": ["/user/teams", "get"],
  "git/get-ref": ["/repos/{owner}/{repo}/git/ref/{ref}", "get"],
  "git/create-ref": ["/repos/{owner}/{repo}/git/refs", "post"],
  "git/update-ref": ["/repos/{owner}/{repo}/git/refs/{ref}", "patch"],
  "git/delete-ref": ["/repos/{owner}/{repo}/git/refs/{ref}", "delete"],
  "git/get-commit": ["/repos/{owner}/{repo}/git/commits/{commit_sha}", "get"],
  "git/create-commit": ["/repos/{owner}/{repo}/git/commits", "post"],
  "git/get-tree": ["/repos/{owner}/{repo}/git/trees/{tree_sha}", "get"],
  "git/create-tree": ["/repos/{owner}/{repo}/git/trees", "post"],
  "git/get-blob": ["/repos/{owner}/{repo}/git/blobs/{file_sha}", "get"],
  "repos/list-commits": ["/repos/{owner}/{repo}/commits", "get"],
  "pulls/create": ["/repos/{owner}/{repo}/pulls", "post"],
  "pulls/list": ["/repos/{owner}/{repo}/pulls", "get"],
  "pulls/get": ["/repos/{owner}/{repo}/pulls/{pull_number}", "get"],
  "pulls/update": ["/repos/{owner}/{repo}/pulls/{pull_number}", "patch"],
  "pulls/merge": ["/repos/{owner}/{repo}/pulls/{pull_number}/merge", "put"],
  "pulls/list-reviews": ["/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "get"],
  "pulls/request-reviewers": ["/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", "post"],
  "repos/get-branch": ["/repos/{owner}/{repo}/branches/{branch}", "get"],
  "repos/get-branch-protection": ["/repos/{owner}/{repo}/branches/{branch}/protection", "get"],
  "checks/list-for-ref": ["/repos/{owner}/{repo}/commits/{ref}/check-runs", "get"],
  "repos/get-combined-status-for-ref": ["/repos/{owner}/{repo}/commits/{ref}/status", "get"],
  "issues/add-labels": ["/repos/{owner}/{repo}/issues/{issue_number}/labels", "post"],
  "issues/set-labels": ["/repos/{owner}/{repo}/issues/{issue_number}/labels", "put"],
  "issues/create-comment": ["/repos/{owner}/{repo}/issues/{issue_number}/comments", "post"],
};

/**
 * Answers GitHub sends from any endpoint that many operations do not list (conditional requests,
 * bad credentials, rate limits, outages). GitHub documents them once, in components.responses;
 * they are added to each operation that lacks them so those answers are validated too.
 */
const GENERIC_RESPONSES: Record<string, string> = {
  "304": "#/components/responses/not_modified",
  "401": "#/components/responses/requires_authentication",
  "403": "#/components/responses/forbidden",
  // No component exists for 429; GitHub's body is the same basic-error as a 403.
  "429": "#/components/responses/forbidden",
  "500": "#/components/responses/internal_error",
  "502": "#/components/responses/service_unavailable",
  "503": "#/components/responses/service_unavailable",
};

const require = createRequire(import.meta.url);

interface RawDocument {
  openapi: string;
  info: unknown;
  servers?: unknown;
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
  components: Record<string, unknown>;
}

/** GitHub's OpenAPI description pruned to OPERATIONS, with the generic responses added. */
export function loadGitHubDescription(): Document {
  const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
  const full = JSON.parse(readFileSync(file, "utf8")) as RawDocument;
  const paths: RawDocument["paths"] = {};
  for (const [operationId, [path, method]] of Object.entries(OPERATIONS)) {
    const operation = full.paths[path]?.[method];
    if (!operation || operation.operationId !== operationId) throw new Error(`GitHub's OpenAPI description has no ${operationId} at ${method.toUpperCase()} ${path}`);
    const responses = { ...operation.responses };
    for (const [status, ref] of Object.entries(GENERIC_RESPONSES)) responses[status] ??= { $ref: ref };
    paths[path] = { ...paths[path], [method]: { ...operation, responses } };
  }
  const doc = { openapi: full.openapi, info: full.info, paths, components: full.components };
  return fixNullableWithoutType(doc) as unknown as Document;
}

/**
 * Two OpenAPI 3.0 spellings ajv reads differently from GitHub's intent, rewritten to their meaning:
 * `nullable: true` without a `type` (ajv refuses it) becomes `anyOf: [schema, {type: "null"}]`, and a
 * nullable `enum` gets null added to its values.
 */
function fixNullableWithoutType(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullableWithoutType);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === "example" || key === "examples" ? value : fixNullableWithoutType(value);
  // ajv applies `nullable` to `type` only: an `enum` must list null itself (GitHub sends
  // `conclusion: null` for a running check, which its schema declares nullable).
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

let shared: Promise<OpenAPIBackend> | null = null;

/** The validator for this test file (module state: one per vitest worker file). */
export function githubApi(apiRoot: string): Promise<OpenAPIBackend> {
  shared ??= (async () => {
    const api = new OpenAPIBackend({
      definition: loadGitHubDescription(),
      apiRoot,
      quick: true,
      strict: false,
      coerceTypes: true,
      ajvOpts: { strict: false, logger: false },
      customizeAjv: (ajv) => {
        for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, check);
        return ajv;
      },
    });
    await api.init();
    return api;
  })();
  return shared;
}

/** The string formats GitHub's schemas use, checked strictly enough to catch a wrong value. */
const FORMATS: Record<string, (value: string) => boolean> = {
  uri: (v) => URL.canParse(v),
  "uri-template": (v) => v.length > 0,
  "date-time": (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v),
  email: (v) => /^[^\s@]+@[^\s@]+$/.test(v),
  hostname: (v) => v.length > 0,
  "repo.nwo": (v) => /^[^/]+\/[^/]+$/.test(v),
  binary: () => true,
  uuid: (v) => /^[0-9a-f-]{36}$/i.test(v),
};
