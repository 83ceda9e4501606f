import { minimatch } from "minimatch";
import { asString, getAtPath, isRecord } from "../../yaml";
import type { ReadContext } from "../context";
import { SINGLE_ENV_NAME } from "../detect/standalone";
import { apiGroup, type DocsByKind } from "../documents";
import { isUnder, normalizeRepoPath } from "../paths";

/** One `spec.targets[]` entry of a Fleet GitRepo (or a bundle's `targetCustomizations[]` entry): the clusters it selects. */
export interface FleetTarget {
  /** The environment Ferry shows for it. */
  env: string;
  name?: string;
  clusterName?: string;
  clusterGroup?: string;
  /** `clusterSelector.matchLabels` (and single-value `In` expressions): the labels every selected cluster has. */
  labels: Record<string, string>;
  /** A `clusterSelector: {}`: every cluster. */
  everyCluster: boolean;
}

/** A Fleet GitRepo that deploys folders of this repository. */
export interface FleetGitRepo {
  file: string;
  /** Repository folders holding its bundles (`""`: the root). */
  paths: string[];
  targets: FleetTarget[];
}

const GLOB = /[*?[\]{}]/;

/**
 * The Fleet GitRepos kept in the repository that deploy it. A GitRepo names its repository by URL, which the
 * file tree does not know, so a GitRepo is taken for this repository's when every folder its `spec.paths`
 * names exists here (a glob must match one); a management repository's GitRepos for other repositories name
 * folders of those, and are left out with a note. Without `spec.paths` a GitRepo deploys the root, which
 * always exists: such a GitRepo counts as this repository's.
 */
export function readFleetGitRepos(ctx: ReadContext, kinds: DocsByKind): FleetGitRepo[] {
  const out: FleetGitRepo[] = [];
  const dirs = ctx.index.allDirs();
  for (const d of kinds.get("GitRepo") ?? []) {
    if (apiGroup(d.value) !== "fleet.cattle.io") continue;
    const name = asString(getAtPath(d.value, ["metadata", "name"])) ?? d.file;
    const listed = getAtPath(d.value, ["spec", "paths"]);
    const entries = (Array.isArray(listed) ? listed : []).filter((p): p is string => typeof p === "string" && p.trim() !== "");
    const paths: string[] = [];
    let elsewhere = false;
    for (const entry of entries) {
      const path = normalizeRepoPath(entry.trim());
      const found = path === null ? [] : GLOB.test(path) ? dirs.filter((dir) => dir !== "" && minimatch(dir, path)) : ctx.index.hasDir(path) || path === "" ? [path] : [];
      if (found.length === 0) elsewhere = true;
      paths.push(...found);
    }
    if (elsewhere) {
      ctx.note(`Fleet GitRepo ${name} (${d.file}) names folders this repository does not have (${entries.join(", ")}): read as deploying another repository`);
      continue;
    }
    ctx.conventions.add("rancher-fleet");
    const targets = getAtPath(d.value, ["spec", "targets"]);
    const list = (Array.isArray(targets) ? targets : []).filter(isRecord).map(fleetTarget);
    // Fleet's default target is the `default` cluster group (fleet-local: the local cluster): one environment.
    if (list.length === 0) list.push({ env: SINGLE_ENV_NAME, labels: {}, everyCluster: false });
    out.push({ file: d.file, paths: paths.length > 0 ? [...new Set(paths)] : [""], targets: list });
  }
  return out;
}

/**
 * A target's environment is its `name`, else the cluster or cluster group it names. A target that only
 * selects clusters by label is named by what the label says (`env: emea` → `emea`; several labels joined
 * with `-`), which is how such selectors are written for regions and stages; a selector that names
 * nothing (`{}`, expressions with several values) is the one unnamed environment.
 */
export function fleetTarget(t: Record<string, unknown>): FleetTarget {
  const selector = isRecord(t.clusterSelector) ? t.clusterSelector : isRecord(t.clusterGroupSelector) ? t.clusterGroupSelector : undefined;
  const labels: Record<string, string> = {};
  const matchLabels = selector && isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(matchLabels)) if (typeof v === "string" || typeof v === "number") labels[k] = String(v);
  const expressions = selector && Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of expressions) {
    if (isRecord(e) && e.operator === "In" && typeof e.key === "string" && Array.isArray(e.values) && e.values.length === 1) labels[e.key] = String(e.values[0]);
  }
  const name = asString(t.name);
  const clusterName = asString(t.clusterName);
  const clusterGroup = asString(t.clusterGroup);
  const fromLabels = Object.values(labels).join("-").toLowerCase();
  return {
    env: name ?? clusterName ?? clusterGroup ?? (fromLabels || SINGLE_ENV_NAME),
    name,
    clusterName,
    clusterGroup,
    labels,
    everyCluster: selector !== undefined && Object.keys(matchLabels).length === 0 && expressions.length === 0,
  };
}

/** The GitRepos whose paths hold `dir`. */
export function gitReposDeploying(gitRepos: readonly FleetGitRepo[], dir: string): FleetGitRepo[] {
  return gitRepos.filter((g) => g.paths.some((p) => isUnder(dir, p)));
}

/**
 * The bundle's `targetCustomizations` entry Fleet applies to the clusters of a GitRepo target: the first
 * whose criteria (cluster name, cluster group, selector labels; all that it sets, as Fleet adds them up) every
 * cluster of the target meets, else the first the target names. Fleet matches clusters and Ferry the
 * target's description of them, so a customization selecting on a label the target does not fix is not taken.
 */
export function customizationFor(customizations: readonly unknown[], target: FleetTarget): number | undefined {
  const own = customizations.map((c) => (isRecord(c) ? fleetTarget(c) : undefined));
  const meets = (t: FleetTarget | undefined): boolean => {
    if (!t || (t.clusterName === undefined && t.clusterGroup === undefined && Object.keys(t.labels).length === 0 && !t.everyCluster)) return false;
    if (t.clusterName !== undefined && t.clusterName !== target.clusterName) return false;
    if (t.clusterGroup !== undefined && t.clusterGroup !== target.clusterGroup) return false;
    return Object.entries(t.labels).every(([k, v]) => target.labels[k] === v);
  };
  const index = own.findIndex(meets);
  if (index >= 0) return index;
  const named = own.findIndex((t) => t?.name !== undefined && t.name === target.name);
  return named < 0 ? undefined : named;
}
