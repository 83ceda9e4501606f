import { asString, getAtPath, isRecord } from "../yaml";
import type { Candidate } from "./candidate";
import type { BuiltResource } from "./kustomize/built-resource";
import { plainResources, type DirReaders } from "./dir-versions";
import { isHelmRelease, nameOf } from "./flux/objects";
import { isUnder } from "./paths";

const versionKey = (v: { file: string; doc: number; path: (string | number)[] }) => `${v.file}#${v.doc}#${v.path.join("/")}`;

/**
 * A folder that renders HelmReleases holds one app per release, named after the release (the folder
 * stays the cell's path): `monitoring/controllers/staging` with two releases is two apps, not one
 * called `controllers`. Versions of anything else in the folder stay with the folder's own app.
 */
export function splitByHelmRelease(r: DirReaders, candidates: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (const c of candidates) {
    if (c.source !== "kustomize" && c.source !== "plain") {
      out.push(c);
      continue;
    }
    const build = c.source === "kustomize" ? r.resolver.build(c.path) : plainResources(r.ctx, c.files);
    const releases = build.resources.filter((res) => isHelmRelease(res.obj) && (c.appDir === c.path || isUnder(res.file, c.appDir) || !isUnder(c.appDir, c.path)));
    const named = releases.filter((res) => nameOf(res.obj) !== "");
    if (named.length === 0 || (named.length === 1 && nameOf(named[0]?.obj ?? {}) === c.app)) {
      out.push(c);
      continue;
    }
    const claimed = new Set<string>();
    const perRelease = new Map<string, Candidate>();
    for (const res of named) {
      const name = nameOf(res.obj);
      // Versions of this release: the fields located in its document, or moved there by patches.
      const own = c.versions.filter((v) => versionOwnedBy(v, res, build.resources));
      if (own.length === 0) continue;
      for (const v of own) claimed.add(versionKey(v));
      const existing = perRelease.get(name);
      if (existing) existing.versions.push(...own.filter((v) => !existing.versions.includes(v)));
      else perRelease.set(name, { ...c, app: name, versions: own, errors: [...c.errors], files: [...c.files] });
    }
    if (perRelease.size === 0) {
      out.push(c);
      continue;
    }
    r.ctx.conventions.add("apps-from-helmreleases");
    out.push(...perRelease.values());
    const rest = c.versions.filter((v) => !claimed.has(versionKey(v)));
    if (rest.length > 0) out.push({ ...c, versions: rest });
  }
  return out;
}

type Located = { file: string; doc: number; path: (string | number)[] };

function versionOwnedBy(v: Located, res: BuiltResource, build: BuiltResource[]): boolean {
  if (v.file === res.file && v.doc === res.doc) return true;
  for (const loc of res.prov.values()) if (loc.file === v.file && loc.doc === v.doc && loc.path.join("/") === v.path.join("/")) return true;
  // A chartRef's OCIRepository in the same build: the version lives in the source's document.
  const chartRef = getAtPath(res.obj, ["spec", "chartRef"]);
  const refName = isRecord(chartRef) && chartRef.kind === "OCIRepository" ? asString(chartRef.name) : undefined;
  if (!refName) return false;
  const oci = build.find((o) => o.obj.kind === "OCIRepository" && (nameOf(o.obj) === refName || o.originalName === refName));
  if (!oci) return false;
  if (v.file === oci.file && v.doc === oci.doc) return true;
  for (const loc of oci.prov.values()) if (loc.file === v.file && loc.doc === v.doc && loc.path.join("/") === v.path.join("/")) return true;
  return false;
}
