import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { DEFAULT_CONFIG_FILE } from "@/lib/config/repositories";
import { readSecret } from "@/lib/config/secrets";

// Where the portal learns what actually runs. Sources, first match wins (as for repositories):
//   1. FERRY_LIVE_SOURCES: a JSON array
//   2. `liveSources:` in FERRY_CONFIG, or in ferry.config.yaml in the working directory
// With none, cells say nothing about live state. Tokens never appear here: each source names the
// environment variable holding it (default FERRY_LIVE_<NAME>_TOKEN; a kubeconfig FERRY_LIVE_<NAME>_KUBECONFIG),
// which may also be given as a file (<VAR>_FILE), and the secret stays in this server process.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

const nameSchema = z.string().max(63, "name must be at most 63 characters").regex(DNS_LABEL, 'name must be a DNS-1123 label: lowercase letters, digits and "-"');
const envNameSchema = (field: string) => z.string().regex(ENV_NAME, `${field} must name an environment variable (A-Z, 0-9, _)`);
const httpUrl = (what: string) =>
  z
    .string()
    .regex(/^https?:\/\/[^/\s]+(\/\S*)?$/, what)
    .transform((u) => u.replace(/\/+$/, ""));

const argoCdSchema = z.strictObject({
  name: nameSchema,
  kind: z.literal("argocd"),
  url: httpUrl("url must be the Argo CD server's address, e.g. https://argocd.example.com"),
  tokenEnv: envNameSchema("tokenEnv").optional(),
});

// A cluster's API server, read with a kubeconfig file, the pod's service account (inCluster), or a URL
// and a bearer token; a kubeconfig may also come from the environment (FERRY_LIVE_<NAME>_KUBECONFIG, or
// …_FILE), as every secret can.
const kubernetesSchema = z.strictObject({
  name: nameSchema,
  kind: z.literal("kubernetes"),
  kubeconfig: z.string().min(1, "kubeconfig must be the path of a kubeconfig file").optional(),
  context: z.string().min(1).optional(),
  inCluster: z.boolean().optional(),
  url: httpUrl("url must be the API server's address, e.g. https://kube.example.com:6443").optional(),
  tokenEnv: envNameSchema("tokenEnv").optional(),
  kubeconfigEnv: envNameSchema("kubeconfigEnv").optional(),
  /** The cluster's name as the repositories call it (a Flux cluster folder, an environment); default the source's name. */
  cluster: z.string().min(1).max(253).optional(),
});

export type ArgoCdSourceEntry = z.output<typeof argoCdSchema>;
export type KubernetesSourceEntry = z.output<typeof kubernetesSchema>;
export type LiveSourceEntry = ArgoCdSourceEntry | KubernetesSourceEntry;

/** A configured source with its secrets resolved; they never leave the server. */
export type LiveSourceConfig =
  | (ArgoCdSourceEntry & { tokenEnv: string; token: string | undefined })
  | (KubernetesSourceEntry & { tokenEnv: string; token: string | undefined; kubeconfigEnv: string; kubeconfigText: string | undefined; cluster: string });

export type KubernetesSourceConfig = Extract<LiveSourceConfig, { kind: "kubernetes" }>;

export class LiveSourceConfigError extends Error {
  override readonly name = "LiveSourceConfigError";
}

/** `prod-eu` → FERRY_LIVE_PROD_EU_TOKEN. */
export function defaultTokenEnv(name: string): string {
  return `FERRY_LIVE_${name.toUpperCase().replace(/-/g, "_")}_TOKEN`;
}

/** `prod-eu` → FERRY_LIVE_PROD_EU_KUBECONFIG. */
export function defaultKubeconfigEnv(name: string): string {
  return `FERRY_LIVE_${name.toUpperCase().replace(/-/g, "_")}_KUBECONFIG`;
}

export function loadLiveSourcesConfig(opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): LiveSourceConfig[] {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const entries = readEntries(env, cwd);
  return entries.map((e): LiveSourceConfig => {
    const tokenEnv = e.tokenEnv ?? defaultTokenEnv(e.name);
    if (e.kind === "argocd") return { ...e, tokenEnv, token: readSecret(tokenEnv, env) };
    const kubeconfigEnv = e.kubeconfigEnv ?? defaultKubeconfigEnv(e.name);
    const kubeconfigText = readSecret(kubeconfigEnv, env);
    const ways = [e.inCluster ? "inCluster" : null, e.kubeconfig ? "kubeconfig" : null, e.url ? "url" : null, kubeconfigText !== undefined ? kubeconfigEnv : null].filter((w) => w !== null);
    if (ways.length !== 1) {
      throw new LiveSourceConfigError(
        `liveSources "${e.name}": ${ways.length === 0 ? "say how to reach the cluster" : `give one way to reach the cluster, not ${ways.join(" and ")}`}: ` +
          `kubeconfig (a file), inCluster: true (the pod's service account), url with a token in ${tokenEnv}, or a kubeconfig in ${kubeconfigEnv} (or ${kubeconfigEnv}_FILE)`,
      );
    }
    return { ...e, tokenEnv, token: readSecret(tokenEnv, env), kubeconfigEnv, kubeconfigText, cluster: e.cluster ?? e.name };
  });
}

function readEntries(env: Record<string, string | undefined>, cwd: string): LiveSourceEntry[] {
  const json = env.FERRY_LIVE_SOURCES;
  if (json !== undefined && json.trim() !== "") {
    let data: unknown;
    try {
      data = JSON.parse(json);
    } catch (error) {
      throw new LiveSourceConfigError(`FERRY_LIVE_SOURCES is not valid JSON: ${(error as Error).message}`);
    }
    return validate(data, "FERRY_LIVE_SOURCES");
  }
  const explicit = env.FERRY_CONFIG !== undefined && env.FERRY_CONFIG.trim() !== "";
  const file = path.resolve(cwd, explicit ? (env.FERRY_CONFIG ?? "") : DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    // A missing or unreadable file is reported by the repositories' loader, which reads it first.
    if (!explicit && (error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new LiveSourceConfigError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new LiveSourceConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return [];
  const list = (doc as Record<string, unknown>).liveSources;
  return list === undefined || list === null ? [] : validate(list, file);
}

function validate(data: unknown, origin: string): LiveSourceEntry[] {
  if (!Array.isArray(data)) throw new LiveSourceConfigError(`${origin}: "liveSources" must be a list of live-state sources`);
  const seen = new Set<string>();
  return data.map((entry, index) => {
    const name = entry && typeof entry === "object" && "name" in entry && typeof entry.name === "string" ? ` ("${entry.name}")` : "";
    const kind = entry && typeof entry === "object" && "kind" in entry ? entry.kind : undefined;
    if (kind !== "argocd" && kind !== "kubernetes") {
      throw new LiveSourceConfigError(`${origin}: liveSources[${index}]${name}: kind must be "argocd" (an Argo CD API server) or "kubernetes" (a cluster's API server)`);
    }
    const parsed = (kind === "argocd" ? argoCdSchema : kubernetesSchema).safeParse(entry);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
      throw new LiveSourceConfigError(`${origin}: liveSources[${index}]${name}: ${problems}`);
    }
    if (seen.has(parsed.data.name)) throw new LiveSourceConfigError(`${origin}: liveSources[${index}]${name}: name is already used`);
    seen.add(parsed.data.name);
    return parsed.data;
  });
}
