import type { Version } from "../../model";
import { asString, formatPath, getAtPath, isRecord } from "../../yaml";
import { isFloatingChartVersion, isFloatingGitRevision, isFloatingImageTag } from "../floating";
import type { BuiltResource, FieldLocation } from "../kustomize/built-resource";
import { nameOf } from "./objects";
import type { SourceScope } from "./sources";

/** Flux `postBuild` variables in force for a unit: name → value and where the value is written. */
export type Substitutions = Record<string, { value: string; location: FieldLocation }>;

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}/g;

/**
 * Variables of a Flux Kustomization: `substituteFrom` ConfigMaps found in the repository, then
 * `substitute`, which wins (as in kustomize-controller). Secrets are never read.
 */
export function substitutionsOf(k: BuiltResource, scope: SourceScope): Substitutions {
  const out: Substitutions = {};
  const postBuild = getAtPath(k.obj, ["spec", "postBuild"]);
  if (!isRecord(postBuild)) return out;
  if (Array.isArray(postBuild.substituteFrom)) {
    for (const from of postBuild.substituteFrom) {
      if (!isRecord(from) || from.kind !== "ConfigMap" || typeof from.name !== "string") continue;
      const cm = scope.resources.find((r) => r.obj.kind === "ConfigMap" && nameOf(r.obj) === from.name);
      const data = cm ? getAtPath(cm.obj, ["data"]) : undefined;
      if (!cm || !isRecord(data)) continue;
      for (const [name, value] of Object.entries(data)) {
        const s = asString(value) ?? (typeof value === "number" || typeof value === "boolean" ? String(value) : undefined);
        if (s === undefined) continue;
        const path = ["data", name];
        out[name] = { value: s, location: cm.prov.get(formatPath(path)) ?? { file: cm.file, doc: cm.doc, path, field: formatPath(path) } };
      }
    }
  }
  if (isRecord(postBuild.substitute)) {
    for (const [name, value] of Object.entries(postBuild.substitute)) {
      const s = asString(value) ?? (typeof value === "number" || typeof value === "boolean" ? String(value) : undefined);
      if (s === undefined) continue;
      const path = ["spec", "postBuild", "substitute", name];
      out[name] = { value: s, location: { file: k.file, doc: k.doc, path, field: formatPath(path) } };
    }
  }
  return out;
}

/**
 * Versions held in `${VAR}`: the value is the variable's, and a value that is exactly one variable is
 * written where the variable is set (what a promotion must edit), never in the shared manifest.
 */
export function substituteVersions(versions: Version[], vars: Substitutions): Version[] {
  return versions.map((v) => {
    if (v.value === null || !v.value.includes("${")) return v;
    let single: string | undefined;
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=[^}]*)?\}$/.exec(v.value);
    if (whole?.[1] && vars[whole[1]]) single = whole[1];
    const value = v.value.replace(VAR, (text, name: string, fallback: string | undefined) => vars[name]?.value ?? fallback ?? text);
    if (value.includes("${")) return v;
    const floating = v.kind === "chart" ? isFloatingChartVersion(value) : v.kind === "image" ? isFloatingImageTag(value, v.digest) : v.kind === "git" ? isFloatingGitRevision(value) : v.floating;
    const sub = single ? vars[single] : undefined;
    if (!sub) return { ...v, value, floating, field: `${v.field} (after Flux substitution)` };
    return { ...v, value, floating, file: sub.location.file, doc: sub.location.doc, path: sub.location.path, field: `${sub.location.field} (Flux substitution for ${v.field})` };
  });
}
