import { asString, getAtPath, isRecord } from "../../yaml";
import type { BuiltResource } from "../kustomize/built-resource";
import { joinInRepo, normalizeRepoPath } from "../paths";
import { sameRepoUrl } from "../../repo-url";
import type { DocsByKind } from "../documents";
import { isFluxKustomization, isFluxSource, nameOf, type SourceRef } from "./objects";

/** Where a Flux Kustomization's `spec.path` is read from. */
export type ResolvedSource =
  | { kind: "repo"; dir: string }
  /** An artifact with a version of its own (OCIRepository): the Kustomization deploys that release. */
  | { kind: "artifact"; source: BuiltResource }
  | { kind: "elsewhere"; what: string }
  | { kind: "unresolved"; why: string };

/** The objects a cluster can see, the cluster's own first: names are looked up in that order. */
export interface SourceScope {
  resources: readonly BuiltResource[];
  /** GitRepositories known to be this repository although not named flux-system (see selfSourceNames). */
  self?: ReadonlySet<string>;
}

function find(scope: SourceScope, kind: string, name: string): BuiltResource | undefined {
  return scope.resources.find((r) => r.obj.kind === kind && (nameOf(r.obj) === name || r.originalName === name));
}

/**
 * A GitRepository is this repository when it is the bootstrap source (`flux-system`), when it is not
 * declared in the repository at all (bootstrapped from outside), or when it has the bootstrap source's URL.
 */
export function isThisRepository(scope: SourceScope, name: string): boolean {
  if (name === "flux-system" || scope.self?.has(name)) return true;
  const repo = find(scope, "GitRepository", name);
  if (!repo) return true;
  const url = asString(getAtPath(repo.obj, ["spec", "url"]));
  const self = find(scope, "GitRepository", "flux-system");
  const selfUrl = self ? asString(getAtPath(self.obj, ["spec", "url"])) : undefined;
  return url !== undefined && selfUrl !== undefined && sameRepoUrl(url, selfUrl);
}

/** Resolve `spec.sourceRef` + `spec.path` of a Flux Kustomization to a folder of this repository. */
export function resolveSource(scope: SourceScope, ref: SourceRef | undefined, rawPath: string): ResolvedSource {
  const path = normalizeRepoPath(rawPath);
  if (path === null) return { kind: "unresolved", why: `path "${rawPath}" escapes the repository root` };
  if (!ref || ref.kind === "GitRepository") {
    const name = ref?.name ?? "flux-system";
    if (isThisRepository(scope, name)) return { kind: "repo", dir: path };
    const repo = find(scope, "GitRepository", name);
    const url = repo ? asString(getAtPath(repo.obj, ["spec", "url"])) : undefined;
    return { kind: "elsewhere", what: `GitRepository ${name}${url ? ` (${url})` : ""}` };
  }
  if (ref.kind === "OCIRepository") {
    const oci = find(scope, "OCIRepository", ref.name);
    return oci ? { kind: "artifact", source: oci } : { kind: "unresolved", why: `OCIRepository ${ref.name} is not declared in this repository` };
  }
  if (ref.kind === "ExternalArtifact") return resolveExternalArtifact(scope, ref.name, path);
  return { kind: "elsewhere", what: `${ref.kind} ${ref.name}` };
}

/**
 * An ExternalArtifact built by an ArtifactGenerator: its paths are the generator's `copy` destinations,
 * so `./staging` of an artifact that copies `@repo/apps/staging/**` to `@artifact/staging/` is `apps/staging`.
 */
function resolveExternalArtifact(scope: SourceScope, name: string, path: string): ResolvedSource {
  for (const gen of scope.resources) {
    if (gen.obj.kind !== "ArtifactGenerator") continue;
    const sources = getAtPath(gen.obj, ["spec", "sources"]);
    const selfAliases = new Set<string>();
    if (Array.isArray(sources)) {
      for (const s of sources) {
        if (!isRecord(s)) continue;
        const alias = asString(s.alias);
        const kind = asString(s.kind) ?? "GitRepository";
        const sourceName = asString(s.name);
        if (alias && sourceName && kind === "GitRepository" && isThisRepository(scope, sourceName)) selfAliases.add(alias);
      }
    }
    const artifacts = getAtPath(gen.obj, ["spec", "artifacts"]);
    if (!Array.isArray(artifacts)) continue;
    const artifact = artifacts.find((a: unknown) => isRecord(a) && a.name === name);
    if (!isRecord(artifact) || !Array.isArray(artifact.copy)) continue;
    // Later copy rules overwrite earlier ones: the last rule whose destination holds the path wins.
    for (const rule of [...artifact.copy].reverse()) {
      if (!isRecord(rule)) continue;
      const from = asString(rule.from);
      const to = asString(rule.to);
      if (!from || !to) continue;
      const fromMatch = /^@([\w-]+)\/(.*)$/.exec(from);
      const toMatch = /^@artifact\/?(.*)$/.exec(to);
      if (!fromMatch?.[1] || fromMatch[2] === undefined || !toMatch || toMatch[1] === undefined) continue;
      if (!selfAliases.has(fromMatch[1])) continue;
      const fromDir = fromMatch[2].replace(/\/?\*\*?$/, "");
      const toDir = normalizeRepoPath(toMatch[1]);
      if (toDir === null || /[*?[]/.test(fromDir)) continue;
      if (!(toDir === "" || path === toDir || path.startsWith(`${toDir}/`))) continue;
      const rest = toDir === "" ? path : path.slice(toDir.length).replace(/^\//, "");
      const dir = joinInRepo(fromDir, rest);
      if (dir !== null) return { kind: "repo", dir };
    }
    return { kind: "unresolved", why: `ExternalArtifact ${name}: no copy rule of ArtifactGenerator ${nameOf(gen.obj)} holds ./${path}` };
  }
  return { kind: "unresolved", why: `ExternalArtifact ${name} is generated by no ArtifactGenerator in this repository` };
}

/**
 * A repository bootstrapped under another name (`GitRepository home-cluster`, declared in the repository
 * itself) has no `flux-system` source to compare URLs with. Such a GitRepository is this repository when
 * no `flux-system` GitRepository is declared and every Flux Kustomization reading it names a folder that
 * exists here below the root: a team repository wired from a platform repository is read at `./`.
 */
export function selfSourceNames(kinds: DocsByKind, hasDir: (dir: string) => boolean): Set<string> {
  const kustomizations = (kinds.get("Kustomization") ?? []).map((d) => d.value).filter(isFluxKustomization);
  const gitRepositories = (kinds.get("GitRepository") ?? []).map((d) => d.value).filter(isFluxSource);
  const out = new Set<string>();
  if (gitRepositories.some((g) => nameOf(g) === "flux-system")) return out;
  const paths = new Map<string, string[]>();
  for (const k of kustomizations) {
    const ref = getAtPath(k, ["spec", "sourceRef"]);
    if (!isRecord(ref) || (ref.kind !== undefined && ref.kind !== "GitRepository") || typeof ref.name !== "string") continue;
    const raw = asString(getAtPath(k, ["spec", "path"])) ?? "";
    paths.set(ref.name, [...(paths.get(ref.name) ?? []), raw]);
  }
  for (const g of gitRepositories) {
    const name = nameOf(g);
    const used = paths.get(name) ?? [];
    if (used.length > 0 && used.every((p) => !p.includes("${") && (normalizeRepoPath(p) ?? "") !== "" && hasDir(normalizeRepoPath(p) ?? ""))) out.add(name);
  }
  return out;
}
