import type { Version } from "../model";
import { asString, getAtPath, isRecord } from "../yaml";
import type { Candidate } from "./candidate";
import { locationKey, type BuiltResource } from "./kustomize/built-resource";
import { plainResources, type DirReaders } from "./dir-versions";
import { appOfLeftover } from "./flux/declaring-app-folder";
import { isHelmRelease, nameOf } from "./flux/objects";
import { isUnder } from "./paths";


/**
 * A folder that renders HelmReleases holds one app per release, named after the release (the folder
 * stays the cell's path): `monitoring/controllers/staging` with two releases is two apps, not one
 * called `controllers`. Versions of anything else stay with the folder's own app, unless they are declared
 * in one of several app folders the folder lists (flux/declaring-app-folder.ts).
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
    const rest: Version[] = [];
    const declaredBy = resourcesByPlace(build.resources.filter((res) => !isHelmRelease(res.obj)));
    for (const v of c.versions) {
      if (claimed.has(locationKey(v))) continue;
      const res = declaredBy.get(locationKey(v)) ?? declaredBy.get(`${v.file}#${v.doc}`);
      const app = res ? appOfLeftover(r.ctx, c.path, res, named) : undefined;
      if (!app || app.name === c.app) {
        rest.push(v);
        continue;
      }
      const existing = perRelease.get(app.name);
      if (existing) existing.versions.push(v);
      else perRelease.set(app.name, { ...c, app: app.name, appDir: app.dir, versions: [v], errors: [...c.errors], files: [...c.files] });
    }
    out.push(...perRelease.values());
    if (rest.length > 0) out.push({ ...c, versions: rest });
  }
  return out;
}

/** Each resource by its own document and the places its fields were patched from (`file#doc`, `file#doc#path`). */
function resourcesByPlace(resources: readonly BuiltResource[]): Map<string, BuiltResource> {
  const out = new Map<string, BuiltResource>();
  const claim = (key: string, res: BuiltResource) => {
    if (!out.has(key)) out.set(key, res);
  };
  for (const res of resources) {
    claim(`${res.file}#${res.doc}`, res);
    for (const loc of res.prov.values()) claim(locationKey(loc), res);
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
