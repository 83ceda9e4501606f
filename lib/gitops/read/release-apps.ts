import { asString, getAtPath, isRecord } from "../yaml";
import type { Candidate } from "./candidate";
import { locationKey, type BuiltResource } from "./kustomize/built-resource";
import { plainResources, type DirReaders } from "./dir-versions";
import { isHelmRelease, nameOf } from "./flux/objects";
import { isUnder } from "./paths";


/**
 * A folder that renders HelmReleases holds one app per release, named after the release (the folder
 * stays the cell's path): `monitoring/controllers/staging` with two releases is two apps, not one
 * called `controllers`. Versions of anything else in the folder stay with the folder's own app.
 */
export function splitByHelmRelease(r: DirReaders, candidates: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  // A global env folder is one build shared by the candidates of all its apps: look at it once.
  const byBuild = new Map<readonly BuiltResource[], { named: BuiltResource[]; owners: Map<string, string> }>();
  const releasesOf = new Map<readonly BuiltResource[], BuiltResource[]>();
  for (const c of candidates) {
    if (c.source !== "kustomize" && c.source !== "plain") {
      out.push(c);
      continue;
    }
    const build = c.source === "kustomize" ? r.resolver.build(c.path) : plainResources(r.ctx, c.files);
    let all = releasesOf.get(build.resources);
    if (!all) releasesOf.set(build.resources, (all = build.resources.filter((res) => isHelmRelease(res.obj))));
    const releases = all.filter((res) => c.appDir === c.path || isUnder(res.file, c.appDir) || !isUnder(c.appDir, c.path));
    const named = releases.filter((res) => nameOf(res.obj) !== "");
    if (named.length === 0 || (named.length === 1 && nameOf(named[0]?.obj ?? {}) === c.app)) {
      out.push(c);
      continue;
    }
    const claimed = new Set<string>();
    const perRelease = new Map<string, Candidate>();
    let seen = byBuild.get(build.resources);
    if (!seen || seen.named.length !== named.length || seen.named.some((res, i) => res !== named[i])) {
      seen = { named, owners: ownersOf(named, build.resources) };
      byBuild.set(build.resources, seen);
    }
    const owners = seen.owners;
    for (const v of c.versions) {
      const owner = owners.get(locationKey(v)) ?? owners.get(`${v.file}#${v.doc}`);
      if (owner === undefined) continue;
      claimed.add(locationKey(v));
      const existing = perRelease.get(owner);
      if (existing) existing.versions.push(v);
      else perRelease.set(owner, { ...c, app: owner, versions: [v], errors: [...c.errors], files: [...c.files] });
    }
    if (perRelease.size === 0) {
      out.push(c);
      continue;
    }
    r.ctx.conventions.add("apps-from-helmreleases");
    out.push(...perRelease.values());
    const rest = c.versions.filter((v) => !claimed.has(locationKey(v)));
    if (rest.length > 0) out.push({ ...c, versions: rest });
  }
  return out;
}

/**
 * Which release each place belongs to: a release's own document, the places its fields were patched
 * from, and its chartRef OCIRepository's document. Keys are `file#doc` or `file#doc#path`.
 */
function ownersOf(releases: readonly BuiltResource[], build: readonly BuiltResource[]): Map<string, string> {
  const owners = new Map<string, string>();
  const ociByName = new Map<string, BuiltResource>();
  for (const o of build) {
    if (o.obj.kind !== "OCIRepository") continue;
    for (const name of [nameOf(o.obj), o.originalName]) if (name && !ociByName.has(name)) ociByName.set(name, o);
  }
  const claim = (key: string, name: string) => {
    if (!owners.has(key)) owners.set(key, name);
  };
  for (const res of releases) {
    const name = nameOf(res.obj);
    claim(`${res.file}#${res.doc}`, name);
    for (const loc of res.prov.values()) claim(locationKey(loc), name);
    const chartRef = getAtPath(res.obj, ["spec", "chartRef"]);
    const refName = isRecord(chartRef) && chartRef.kind === "OCIRepository" ? asString(chartRef.name) : undefined;
    const oci = refName ? ociByName.get(refName) : undefined;
    if (!oci) continue;
    claim(`${oci.file}#${oci.doc}`, name);
    for (const loc of oci.prov.values()) claim(locationKey(loc), name);
  }
  return owners;
}
