import type { RepoError } from "../model";
import type { RepoConfig } from "../config";
import { configuredEnvironments } from "../config";
import { labelFrom } from "../names";
import { DEFAULT_YAML_LIMITS, parseYamlDocuments, type ParsedDocument, type ParsedYaml } from "../yaml";
import { readDuplicateKeys } from "./duplicate-keys";
import type { ParseCache } from "./parse-cache";
import { basename, dirname, isYamlPath, segments } from "./paths";
import { skipDecision } from "./skip-rules";
import { skippedFilesOf, type SkippedFiles } from "./skipped-files";
import type { TreeIndex } from "./tree-index";

export interface LoadedFile {
  path: string;
  status: "ok" | "error" | "skipped" | "missing";
  docs: ParsedDocument[];
  /** Per-cell message (names file and line) when the file could not be used. */
  problem?: string;
}

export interface ReadOptionsInternal {
  parseCache?: ParseCache;
  contentKey?: (path: string) => string | undefined;
  /** Name for an app whose folder is the repository root (repo-per-app layouts). */
  rootAppName?: string;
  /** The URL the repository was read from, when known: its own Argo CD objects name it as repoURL. */
  repositoryUrl?: string;
}

/** Shared state of one readRepository call: the tree index, file loading with limits, and findings. */
export class ReadContext {
  readonly errors: RepoError[] = [];
  readonly notes: string[] = [];
  readonly conventions = new Set<string>();
  readonly configuredEnvNames: string[];
  private readonly loaded = new Map<string, LoadedFile>();
  private readonly chartDirs: Set<string>;
  /** Files the tree loader left out (symlink, too large, not UTF-8), with the reason. */
  private readonly skipped: SkippedFiles;

  constructor(
    readonly index: TreeIndex,
    readonly config: RepoConfig | undefined,
    private readonly options: ReadOptionsInternal,
  ) {
    this.configuredEnvNames = configuredEnvironments(config).map((e) => e.name);
    this.chartDirs = new Set(index.paths.filter((p) => basename(p) === "Chart.yaml").map(dirname));
    this.skipped = skippedFilesOf(index.tree);
  }

  get rootAppName(): string {
    return (this.options.rootAppName !== undefined ? labelFrom(this.options.rootAppName) : undefined) ?? "app";
  }

  get repositoryUrl(): string | undefined {
    return this.options.repositoryUrl;
  }

  isChartDir(dir: string): boolean {
    return this.chartDirs.has(dir);
  }

  /** Every folder holding a Chart.yaml. */
  charts(): readonly string[] {
    return [...this.chartDirs];
  }

  /** Under `<chart>/templates/` (any depth) of a directory that holds a Chart.yaml. */
  inChartTemplates(path: string): boolean {
    const segs = segments(dirname(path));
    for (let i = 0; i < segs.length; i++) {
      if (segs[i] === "templates" && this.chartDirs.has(segs.slice(0, i).join("/"))) return true;
    }
    return false;
  }

  /** True when the caller keys file contents (e.g. by blob SHA): what cross-read caches check by. */
  get hasContentKeys(): boolean {
    return this.options.contentKey !== undefined;
  }

  contentKeyOf(path: string): string | undefined {
    return this.options.contentKey?.(path);
  }

  note(message: string): void {
    this.notes.push(message);
  }

  /** Load and parse a YAML file once per read; parse results come from the cache when content is unchanged. */
  load(path: string): LoadedFile {
    const seen = this.loaded.get(path);
    if (seen) return seen;
    const result = this.loadUncached(path);
    this.loaded.set(path, result);
    return result;
  }

  private loadUncached(path: string): LoadedFile {
    const content = this.index.read(path);
    if (content === undefined) {
      const reason = this.skipped.get(path);
      // A file the loader skipped is there in git: say why it was not read, not "not found".
      if (reason !== undefined) return { path, status: "skipped", docs: [], problem: `${path}: ${reason}` };
      return { path, status: "missing", docs: [], problem: `${path}: file not found` };
    }
    if (!isYamlPath(path) && basename(path) !== "Kustomization") return { path, status: "skipped", docs: [] };
    const decision = skipDecision(path, content, this.inChartTemplates(path));
    if (decision.skip) {
      if (!decision.silent) this.note(`${path}: skipped: ${decision.reason}`);
      return { path, status: "skipped", docs: [], problem: `${path}: skipped: ${decision.reason}` };
    }
    const { parsed, warnings } = readDuplicateKeys(path, this.parse(path, content));
    for (const w of warnings) this.note(w);
    if (parsed.errors.length > 0) {
      for (const e of parsed.errors) this.errors.push({ file: path, line: e.line, message: e.message });
      const first = parsed.errors[0];
      const where = first?.line !== undefined ? `${path}:${first.line}` : path;
      // Documents that did parse are still usable; the cell carries the error.
      return { path, status: "error", docs: parsed.documents, problem: `${where}: ${first?.message ?? "invalid YAML"}` };
    }
    return { path, status: "ok", docs: parsed.documents };
  }

  /** Duplicate keys come back as documents marked with them: readDuplicateKeys decides which are read. */
  private parse(path: string, content: string): ParsedYaml {
    const cache = this.options.parseCache;
    if (!cache) return parseYamlDocuments(content, DEFAULT_YAML_LIMITS, "last-wins");
    const key = this.options.contentKey?.(path);
    const byContent = key === undefined;
    const cacheKey = key ?? content;
    const hit = cache.get(cacheKey, byContent);
    if (hit) return hit;
    const parsed = parseYamlDocuments(content, DEFAULT_YAML_LIMITS, "last-wins");
    cache.set(cacheKey, byContent, parsed);
    return parsed;
  }

  /** JSON config files (ApplicationSet files generators, autopilot config.json). */
  loadJson(path: string): unknown {
    const content = this.index.read(path);
    if (content === undefined) return undefined;
    if (path.endsWith(".json")) {
      try {
        return JSON.parse(content.replace(/^\uFEFF/, "")) as unknown;
      } catch (e) {
        this.errors.push({ file: path, message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` });
        return undefined;
      }
    }
    const file = this.load(path);
    return file.docs[0]?.value;
  }
}
