import { asString, getAtPath, isRecord } from "../../yaml";
import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import type { DocsByKind } from "../documents";
import { isEnvLikeName } from "../env-order";
import { readKustomization } from "../kustomize/kustomization";
import { isUnder, joinInRepo, normalizeRepoPath, segments } from "../paths";

/** `clusters/<name>/…` → `<name>`. */
export function clusterOfFile(file: string): string | undefined {
  const segs = segments(file);
  const i = segs.indexOf("clusters");
  return i >= 0 && i + 2 < segs.length ? segs[i + 1] : undefined;
}

const MAX_REACH = 500;

/** Folders a Flux Kustomization's path reaches: the path and, through kustomizations, what they include. */
export function reachableDirs(ctx: ReadContext, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0 && seen.size < MAX_REACH) {
    const dir = queue.shift();
    if (dir === undefined || seen.has(dir)) continue;
    seen.add(dir);
    const k = readKustomization(ctx, dir);
    if (!k) continue;
    for (const res of k.resources) {
      const t = joinInRepo(dir, res.entry);
      if (t !== null && ctx.index.hasDir(t)) queue.push(t);
    }
  }
  return seen;
}

/**
 * Flux Kustomizations in `clusters/<name>/` wire folders to clusters: every deployment under (or included
 * by) `spec.path` gets that cluster as destination. Per-cluster `spec.path` and substitutions are wiring,
 * never versions.
 */
export function applyFluxWiring(ctx: ReadContext, kinds: DocsByKind, candidates: Candidate[]): void {
  const fluxKs = (kinds.get("Kustomization") ?? []).filter((d) => String(d.value.apiVersion ?? "").startsWith("kustomize.toolkit.fluxcd.io"));
  if (fluxKs.length > 0) ctx.conventions.add("flux-kustomization");
  if ((kinds.get("HelmRelease") ?? []).length > 0) ctx.conventions.add("flux-helmrelease");
  const sources = new Map<string, Record<string, unknown>>();
  for (const g of kinds.get("GitRepository") ?? []) {
    const name = asString(getAtPath(g.value, ["metadata", "name"]));
    if (name) sources.set(name, g.value);
  }
  for (const k of fluxKs) {
    const sourceName = asString(getAtPath(k.value, ["spec", "sourceRef", "name"]));
    const source = sourceName ? sources.get(sourceName) : undefined;
    // Only `flux-system` (or an undeclared source) is this repository; other sources point at team repos.
    if (sourceName && sourceName !== "flux-system" && source) continue;
    const raw = asString(getAtPath(k.value, ["spec", "path"])) ?? "";
    const path = normalizeRepoPath(raw);
    if (path === null || !ctx.index.hasDir(path)) continue;
    const cluster = clusterOfFile(k.file);
    const namespace = asString(getAtPath(k.value, ["spec", "targetNamespace"]));
    const reach = reachableDirs(ctx, path);
    for (const c of candidates) {
      if (!(isUnder(c.path, path) || reach.has(c.path))) continue;
      c.destination = { ...c.destination, cluster: c.destination?.cluster ?? cluster, wiredBy: c.destination?.wiredBy ?? k.file, namespace: namespace ?? c.destination?.namespace };
    }
  }
  // Branch per environment: a GitRepository per cluster tracking an env-named branch.
  for (const g of kinds.get("GitRepository") ?? []) {
    const branch = asString(getAtPath(g.value, ["spec", "ref", "branch"]));
    const cluster = clusterOfFile(g.file);
    if (branch && cluster && isEnvLikeName(branch, ctx.configuredEnvNames) && isRecord(g.value.spec)) {
      ctx.conventions.add("branch-per-env");
      ctx.note(`${g.file}: cluster ${cluster} tracks branch "${branch}" (branch per environment; Ferry promotes folders, not branches)`);
    }
  }
}
