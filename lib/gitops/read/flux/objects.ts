import { asString, getAtPath, isRecord } from "../../yaml";
import { apiGroup } from "../documents";

// The Flux objects the wiring follows, by API group rather than version: v1beta2 and v1 read alike.

export function isFluxKustomization(obj: Record<string, unknown>): boolean {
  return obj.kind === "Kustomization" && apiGroup(obj) === "kustomize.toolkit.fluxcd.io";
}

export function isHelmRelease(obj: Record<string, unknown>): boolean {
  return obj.kind === "HelmRelease" && apiGroup(obj) === "helm.toolkit.fluxcd.io";
}

/** Source objects are where versions come from, never deployments of their own. */
const SOURCE_KINDS = new Set(["GitRepository", "OCIRepository", "HelmRepository", "HelmChart", "Bucket", "ExternalArtifact", "ArtifactGenerator"]);

export function isFluxSource(obj: Record<string, unknown>): boolean {
  const group = apiGroup(obj);
  return SOURCE_KINDS.has(String(obj.kind)) && (group === "source.toolkit.fluxcd.io" || group === "source.extensions.fluxcd.io");
}

export interface SourceRef {
  kind: string;
  name: string;
  namespace?: string;
}

export function sourceRefOf(obj: Record<string, unknown>): SourceRef | undefined {
  const ref = getAtPath(obj, ["spec", "sourceRef"]);
  if (!isRecord(ref)) return undefined;
  const name = asString(ref.name);
  if (!name) return undefined;
  return { kind: asString(ref.kind) ?? "GitRepository", name, namespace: asString(ref.namespace) };
}

export function nameOf(obj: Record<string, unknown>): string {
  return asString(getAtPath(obj, ["metadata", "name"])) ?? "";
}

export function namespaceOf(obj: Record<string, unknown>): string | undefined {
  return asString(getAtPath(obj, ["metadata", "namespace"]));
}
