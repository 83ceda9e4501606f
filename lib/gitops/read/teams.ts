import { minimatch } from "minimatch";
import type { RepoConfig } from "../config";
import { asString, getAtPath } from "../yaml";
import type { ReadContext } from "./context";
import type { DocsByKind } from "./documents";
import { isEnvLikeName } from "./env-order";
import { basename, segments } from "./paths";
import { BASE_DIR_NAMES } from "./detect/layout-names";

/** Tenant named by a path: `tenants/<team>/…`, `tenants/base/<team>/…`, `tenants/<env>/<team>/…`. */
export function tenantOfPath(path: string, envNames: readonly string[]): string | undefined {
  const segs = segments(path);
  const i = segs.indexOf("tenants");
  if (i < 0) return undefined;
  const first = segs[i + 1];
  if (first === undefined) return undefined;
  if (BASE_DIR_NAMES.has(first) || isEnvLikeName(first, envNames)) {
    const second = segs[i + 2];
    return second !== undefined && !second.includes(".") ? second : undefined;
  }
  return first.includes(".") ? undefined : first;
}

/** Teams the repository declares: tenant folders, `tenant-values.yaml` folders, Flux tenant labels. */
export function teamsFromTree(ctx: ReadContext, kinds: DocsByKind): string[] {
  const out = new Set<string>();
  for (const dir of ctx.index.allDirs()) {
    const t = tenantOfPath(dir, ctx.configuredEnvNames);
    if (t) out.add(t);
  }
  for (const p of ctx.index.paths) {
    if (basename(p) === "tenant-values.yaml") {
      const dir = segments(p).slice(-2, -1)[0];
      if (dir && dir !== "tenants") out.add(dir);
    }
  }
  for (const docs of kinds.values()) {
    for (const d of docs) {
      const label = asString(getAtPath(d.value, ["metadata", "labels", "toolkit.fluxcd.io/tenant"]));
      if (label) out.add(label);
    }
  }
  if (out.size > 0) ctx.conventions.add("tenants");
  return [...out];
}

/** Team of an app from the config: first team whose list names the app or a glob matching it. */
export function configuredTeamOf(config: RepoConfig | undefined, app: string): string | undefined {
  for (const [team, apps] of Object.entries(config?.teams ?? {})) {
    if (apps.some((pattern) => pattern === app || minimatch(app, pattern))) return team;
  }
  return undefined;
}
