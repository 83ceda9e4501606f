import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";

// Which GitOps repositories the portal reads. Sources, first match wins:
//   1. FERRY_REPOSITORIES: a JSON array (containers, CI, tests)
//   2. FERRY_CONFIG: path of a YAML file (error if it does not exist)
//   3. ferry.config.yaml in the working directory, if present
// With none of them the result is empty (source "none") and the caller falls back to the demo repositories.

export const DEFAULT_CONFIG_FILE = "ferry.config.yaml";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = (what: string) =>
  z
    .string()
    .max(63, `${what} must be at most 63 characters`)
    .regex(DNS_LABEL, `${what} must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit`);

const repositorySchema = z
  .strictObject({
    name: dnsLabel("name"),
    provider: z.enum(["git", "github", "gitlab"]),
    url: z
      .string()
      .min(1, "url must not be empty")
      .refine((u) => !u.startsWith("-"), "url must not start with \"-\""),
    branch: z
      .string()
      .min(1)
      .refine((b) => !b.startsWith("-") && !/[\s~^:?*[\\]|\.\.|@\{/.test(b), "branch is not a valid git branch name")
      .default("main"),
    team: dnsLabel("team").optional(),
    /** Open Ferry's change requests as drafts (GitHub draft pull requests, GitLab "Draft:" merge requests). */
    draft: z.boolean().optional(),
  })
  .superRefine((repo, ctx) => {
    // GitHub and GitLab are reached through their APIs: the url must say which server and project.
    if (repo.provider !== "git" && !/^https?:\/\/[^/]+\/.+/.test(repo.url)) {
      ctx.addIssue({ code: "custom", path: ["url"], message: `a ${repo.provider} url must be the repository's web address, e.g. https://${repo.provider}.com/acme/gitops` });
    }
  });

export type RepositoryConfig = z.output<typeof repositorySchema>;

export interface RepositoryConfigResult {
  repositories: RepositoryConfig[];
  source: "env" | "file" | "none";
  /** The file read, when source is "file". */
  file?: string;
}

/** Invalid configuration: the message names the variable or file and the offending entry. */
export class RepositoryConfigError extends Error {
  override readonly name = "RepositoryConfigError";
}

export interface LoadRepositoriesConfigOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export function loadRepositoriesConfig(opts: LoadRepositoriesConfigOptions = {}): RepositoryConfigResult {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();

  const json = env.FERRY_REPOSITORIES;
  if (json !== undefined && json.trim() !== "") {
    let data: unknown;
    try {
      data = JSON.parse(json);
    } catch (error) {
      throw new RepositoryConfigError(`FERRY_REPOSITORIES is not valid JSON: ${(error as Error).message}`);
    }
    return { repositories: validate(data, "FERRY_REPOSITORIES", cwd), source: "env" };
  }

  const explicit = env.FERRY_CONFIG !== undefined && env.FERRY_CONFIG.trim() !== "";
  const file = path.resolve(cwd, explicit ? (env.FERRY_CONFIG ?? "") : DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    // The operator's file, read at run time: not something `next build` should trace into the standalone
    // output (which would otherwise copy the whole project into the image).
    text = fs.readFileSync(/*turbopackIgnore: true*/ file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!explicit && code === "ENOENT") return { repositories: [], source: "none" };
    throw new RepositoryConfigError(`${explicit ? `FERRY_CONFIG=${env.FERRY_CONFIG}: ` : ""}cannot read ${file} (${code ?? String(error)})`);
  }
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new RepositoryConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (doc === null || doc === undefined) return { repositories: [], source: "file", file };
  if (typeof doc !== "object" || Array.isArray(doc)) throw new RepositoryConfigError(`${file}: expected a mapping with a "repositories" list`);
  // Other top-level keys belong to other parts of the portal's configuration.
  const list = (doc as Record<string, unknown>).repositories ?? [];
  return { repositories: validate(list, file, path.dirname(file)), source: "file", file };
}

/** Validates the list; relative paths of local git repositories are resolved against `baseDir`. */
function validate(data: unknown, origin: string, baseDir: string): RepositoryConfig[] {
  if (!Array.isArray(data)) throw new RepositoryConfigError(`${origin}: "repositories" must be a list of repositories`);
  const repositories: RepositoryConfig[] = [];
  const seen = new Map<string, number>();
  data.forEach((entry, index) => {
    const label = describeEntry(entry, index);
    const parsed = repositorySchema.safeParse(entry);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
      throw new RepositoryConfigError(`${origin}: ${label}: ${problems}`);
    }
    const previous = seen.get(parsed.data.name);
    if (previous !== undefined) throw new RepositoryConfigError(`${origin}: ${label}: name "${parsed.data.name}" is already used by repositories[${previous}]`);
    seen.set(parsed.data.name, index);
    repositories.push({ ...parsed.data, url: resolveLocalUrl(parsed.data, baseDir) });
  });
  return repositories;
}

function describeEntry(entry: unknown, index: number): string {
  const name = entry && typeof entry === "object" && "name" in entry ? (entry as { name: unknown }).name : undefined;
  return typeof name === "string" ? `repositories[${index}] ("${name}")` : `repositories[${index}]`;
}

/** A git url that is a plain path is relative to the config file (or the working dir for the env var). */
function resolveLocalUrl(repo: RepositoryConfig, baseDir: string): string {
  if (repo.provider !== "git") return repo.url;
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(repo.url) || /^[^/:]+:(?!\/\/)/.test(repo.url);
  return isUrl || path.isAbsolute(repo.url) ? repo.url : path.resolve(baseDir, repo.url);
}
