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
// environment variable holding it (default FERRY_LIVE_<NAME>_TOKEN), which may also be given as a file
// (<VAR>_FILE), and the token stays in this server process.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

const liveSourceSchema = z.strictObject({
  name: z.string().max(63, "name must be at most 63 characters").regex(DNS_LABEL, 'name must be a DNS-1123 label: lowercase letters, digits and "-"'),
  kind: z.literal("argocd", { error: 'kind must be "argocd" (the Argo CD API server)' }),
  url: z
    .string()
    .regex(/^https?:\/\/[^/\s]+(\/\S*)?$/, "url must be the Argo CD server's address, e.g. https://argocd.example.com")
    .transform((u) => u.replace(/\/+$/, "")),
  tokenEnv: z.string().regex(ENV_NAME, "tokenEnv must name an environment variable (A-Z, 0-9, _)").optional(),
});

export type LiveSourceEntry = z.output<typeof liveSourceSchema>;

/** A configured source with its token resolved; the token never leaves the server. */
export interface LiveSourceConfig extends LiveSourceEntry {
  tokenEnv: string;
  token: string | undefined;
}

export class LiveSourceConfigError extends Error {
  override readonly name = "LiveSourceConfigError";
}

/** `prod-eu` → FERRY_LIVE_PROD_EU_TOKEN. */
export function defaultTokenEnv(name: string): string {
  return `FERRY_LIVE_${name.toUpperCase().replace(/-/g, "_")}_TOKEN`;
}

export function loadLiveSourcesConfig(opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): LiveSourceConfig[] {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const entries = readEntries(env, cwd);
  return entries.map((e) => {
    const tokenEnv = e.tokenEnv ?? defaultTokenEnv(e.name);
    return { ...e, tokenEnv, token: readSecret(tokenEnv, env) };
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
    const parsed = liveSourceSchema.safeParse(entry);
    const name = entry && typeof entry === "object" && "name" in entry && typeof entry.name === "string" ? ` ("${entry.name}")` : "";
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
      throw new LiveSourceConfigError(`${origin}: liveSources[${index}]${name}: ${problems}`);
    }
    if (seen.has(parsed.data.name)) throw new LiveSourceConfigError(`${origin}: liveSources[${index}]${name}: name is already used`);
    seen.add(parsed.data.name);
    return parsed.data;
  });
}
