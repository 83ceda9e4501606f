import { minimatch } from "minimatch";
import type { Candidate } from "../candidate";
import type { DirReaders } from "../dir-versions";
import { SINGLE_ENV_NAME } from "../detect/standalone";
import { basename, dirname, joinInRepo } from "../paths";
import { isEnvLikeName } from "../env-order";
import { isRecord } from "../../yaml";
import { releaseCandidate } from "./releases";
import { HelmfileLoader } from "./state";

const HELMFILE = /^helmfile\.ya?ml(\.gotmpl)?$/;
const IN_HELMFILE_D = /(^|\/)helmfile\.d\/[^/]+\.ya?ml(\.gotmpl)?$/;

/**
 * helmfile: every helmfile nothing else includes is one desired state, read once per environment it
 * declares (`environments:`, here or in its `bases:`); each release installed there is a deployment of
 * the app the release names. A helmfile without environments deploys to `default`, as `helmfile apply` does.
 */
export function detectHelmfiles(r: DirReaders): Candidate[] {
  const { ctx } = r;
  const all = ctx.index.paths.filter((p) => HELMFILE.test(basename(p)) || IN_HELMFILE_D.test(p));
  if (all.length === 0) return [];
  const included = includedFiles(r, all);
  const entries = all.filter((p) => !included.has(p) && !ctx.inChartTemplates(p));
  const loader = new HelmfileLoader(ctx);
  const out: Candidate[] = [];
  const problems = new Set<string>();
  for (const file of entries) {
    const declared = loader.environments(file);
    const envs = declared.names.length > 0 ? declared.names : [SINGLE_ENV_NAME];
    // Only the default environment: a release labelled for a stage (`labels: {environment: prod}`, what
    // `helmfile -l environment=prod` selects) or going to a namespace named for one (`jx-staging`) is in that environment.
    const byNamespace = envs.length === 1 && envs[0] === SINGLE_ENV_NAME;
    for (const env of envs) {
      const state = env === SINGLE_ENV_NAME ? declared.asDefault : loader.load(file, env);
      // One problem found in every environment is one problem.
      for (const p of state.problems) problems.add(`${file}\u0000${p}`);
      const cells = new Map<string, Candidate>();
      for (const release of state.releases) {
        const own = byNamespace ? (labelEnvironment(release.value.labels, ctx.configuredEnvNames) ?? namespaceEnvironment(release.value.namespace, ctx.configuredEnvNames)) : undefined;
        const c = releaseCandidate(ctx, loader, release, own ?? env);
        if (!c) continue;
        cells.set(`${c.app}\u0000${c.env}\u0000${c.path}`, c);
      }
      out.push(...cells.values());
    }
    ctx.conventions.add("helmfile");
  }
  for (const key of problems) {
    const [file = "", message = ""] = key.split("\u0000");
    ctx.errors.push({ file, message });
  }
  return out;
}

/** Files another helmfile names in `bases:` or `helmfiles:` (read without rendering: the paths are rarely templated). */
function includedFiles(r: DirReaders, helmfiles: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const file of helmfiles) {
    const text = r.ctx.index.read(file) ?? "";
    let section: string | undefined;
    for (const line of text.split(/\r?\n/)) {
      const top = /^([A-Za-z]\w*):/.exec(line);
      if (top) section = top[1];
      if (section !== "bases" && section !== "helmfiles") continue;
      const m = /^\s*-\s*(?:path:\s*)?["']?([^"'#\s{}]+)["']?\s*(#.*)?$/.exec(line) ?? (section === "helmfiles" ? /^\s+path:\s*["']?([^"'#\s{}]+)/.exec(line) : null);
      const target = m?.[1] ? joinInRepo(dirname(file), m[1]) : null;
      if (!target) continue;
      for (const p of /[*?[{]/.test(target) ? helmfiles.filter((h) => minimatch(h, target)) : [target]) out.add(p);
      for (const p of r.ctx.index.paths) if (p === target) out.add(p);
    }
  }
  return out;
}

/** helmfile's selector labels that name a release's stage, in the order they are read. */
const ENV_LABELS = ["environment", "env", "stage"] as const;

/** `labels: {environment: prod}`: the stage a release is labelled for, when the label names one. */
function labelEnvironment(labels: unknown, configured: readonly string[]): string | undefined {
  if (!isRecord(labels)) return undefined;
  for (const key of ENV_LABELS) {
    const value = labels[key];
    if (typeof value === "string" && isEnvLikeName(value, configured)) return value;
  }
  return undefined;
}

/** `staging`, `jx-staging`, `shop-production`: the stage a namespace is named for. */
function namespaceEnvironment(namespace: unknown, configured: readonly string[]): string | undefined {
  if (typeof namespace !== "string") return undefined;
  const last = namespace.split("-").at(-1) ?? "";
  if (isEnvLikeName(namespace, configured)) return namespace;
  return last !== namespace && isEnvLikeName(last, configured) ? last : undefined;
}
