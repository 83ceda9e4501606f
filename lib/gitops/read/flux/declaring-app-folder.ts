import type { Version } from "../../model";
import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import { BASE_DIR_NAMES } from "../detect/layout-names";
import type { BuiltResource } from "../kustomize/built-resource";
import { isRemoteResource, readKustomization } from "../kustomize/kustomization";
import { basename, dirname, isUnder, joinInRepo } from "../paths";
import { nameOf } from "./objects";

/**
 * A remote a kustomization pulls in (`…/releases/download/v0.6.1/components.yaml`, `…?ref=v1.2.0`) has
 * no name of its own in the build. Declared by one of several app folders a kustomization lists
 * (`addons/{metrics-server,kyverno,…}`), it is that folder's app, as each sub-folder of such a folder
 * is an app; declared anywhere else (the app's own base) it stays with the cell.
 */
export function byDeclaringAppFolder(ctx: ReadContext, c: Candidate): Candidate[] {
  const byApp = new Map<string, { appDir: string; versions: Version[] }>();
  const rest: Version[] = [];
  for (const v of c.versions) {
    const dir = remoteDeclaredIn(v);
    const app = dir !== undefined && dir !== c.path && isOneOfSeveralAppFolders(ctx, dir) ? basename(dir) : undefined;
    if (app === undefined || app === c.app) {
      rest.push(v);
      continue;
    }
    const group = byApp.get(app) ?? { appDir: dir ?? "", versions: [] };
    group.versions.push(v);
    byApp.set(app, group);
  }
  if (byApp.size === 0) return [c];
  const parts = [...byApp].map(([app, g]) => ({ ...c, app, appDir: g.appDir, versions: g.versions, errors: [...c.errors], files: [...c.files] }));
  return rest.length > 0 ? [{ ...c, versions: rest }, ...parts] : parts;
}

/** A workload name usable as an app name as it stands (no `${VAR}` left, DNS-1123). */
export const WORKLOAD_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A workload left over beside the releases of an aggregate folder (`infrastructure/` listing `ingress/`,
 * `monitoring/`, …) belongs to the app folder that declares it, when that folder is one of several app
 * folders its parent lists, as each such folder is an app. A folder that also holds a release is already
 * named by its releases (`ingress/` is the app `kong`), so the workload is an app of its own, named as the
 * cluster names it (the Deployment `redis`), not after the folder; a folder without a release is the app and
 * gives its name. A workload declared in `top` itself, or outside it, is left to `top`'s app (undefined).
 */
export function appOfLeftover(ctx: ReadContext, top: string, res: BuiltResource, releases: readonly BuiltResource[]): { name: string; dir: string } | undefined {
  const dir = dirname(res.file);
  if (dir === top || !isUnder(dir, top)) return undefined;
  let at = top;
  for (const part of (top === "" ? dir : dir.slice(top.length + 1)).split("/")) {
    at = at === "" ? part : `${at}/${part}`;
    if (!isOneOfSeveralAppFolders(ctx, at)) continue;
    const own = res.originalName || nameOf(res.obj);
    const holdsRelease = releases.some((rel) => isUnder(rel.file, at));
    return { name: holdsRelease && WORKLOAD_NAME.test(own) ? own : basename(at), dir: at };
  }
  return undefined;
}

/** The folder of the kustomization whose `resources:` entry is this remote, if the version is one. */
function remoteDeclaredIn(v: Version): string | undefined {
  if (v.kind !== "git" || v.path.length !== 2 || v.path[0] !== "resources" || typeof v.path[1] !== "number") return undefined;
  return dirname(v.file);
}

/** `dir` is listed, beside another local folder, by its parent's kustomization, and is not a base. */
export function isOneOfSeveralAppFolders(ctx: ReadContext, dir: string): boolean {
  if (dir === "" || BASE_DIR_NAMES.has(basename(dir))) return false;
  const parent = readKustomization(ctx, dirname(dir));
  if (!parent) return false;
  const folders = parent.resources
    .filter((e) => !isRemoteResource(e.entry))
    .map((e) => joinInRepo(parent.dir, e.entry))
    .filter((t): t is string => t !== null && ctx.index.hasDir(t));
  return folders.includes(dir) && new Set(folders).size >= 2;
}
