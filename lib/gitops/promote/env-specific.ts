type Path = readonly (string | number)[];

const CONTAINER_LISTS = new Set(["containers", "initContainers", "ephemeralContainers"]);

function inContainer(path: Path): boolean {
  return path.some((p) => typeof p === "string" && CONTAINER_LISTS.has(p));
}

/**
 * Why the value at `path` belongs to the environment rather than the release, or null. These are the
 * values folder promotion keeps from the target (CONVENTIONS.md, "What a promotion must never copy").
 */
export function envSpecificReason(path: Path, doc: Record<string, unknown>, isKustomization: boolean): string | null {
  const key = path[path.length - 1];
  if (typeof key !== "string") return null;
  const top = path.length === 1;
  if (key === "namespace") return "namespace";
  if (isKustomization && top && (key === "namePrefix" || key === "nameSuffix")) return key;
  if (isKustomization && top && key === "components") return "components (env variants)";
  if (isKustomization && top && (key === "secretGenerator" || key === "configMapGenerator")) return `${key} (env configuration)`;
  if (key === "replicas" || key === "replicaCount") return "replicas";
  if (key === "resources" && inContainer(path)) return "resource requests/limits";
  if ((key === "env" || key === "envFrom") && inContainer(path)) return "env vars";
  if (key === "host" || key === "hosts" || key === "hostnames") return "ingress hostnames are per environment";
  const apiVersion = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
  if (apiVersion.startsWith("kustomize.toolkit.fluxcd.io/") && path[0] === "spec" && (key === "path" || key === "postBuild")) {
    return key === "path" ? "Flux spec.path" : "Flux postBuild.substitute (per-cluster values)";
  }
  if (key === "postBuild" || key === "substitute" || key === "substituteFrom") return "Flux postBuild.substitute (per-cluster values)";
  return null;
}
