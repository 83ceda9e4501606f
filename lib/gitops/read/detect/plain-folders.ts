import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import { plainResources, type DirReaders } from "../dir-versions";
import { isEnvLikeName } from "../env-order";
import { readKustomization } from "../kustomize/kustomization";
import { basename, dirname, isYamlPath, segments } from "../paths";
import { dedupeVersions, versionsOfResource } from "../versions";
import { ENV_PARENT_NAMES, MANIFEST_DIR_NAMES } from "./layout-names";
import { holdsWorkload } from "./workload-files";

const BOUNDED_APP_FILE = /^(.+?)-(helm|release|helmrelease|deployment|app-config|env-config|values|secrets?)(\.[\w.]+)?\.ya?ml$/;

/**
 * Plain env folders with no kustomization: `apps/<app>/<env>/deployment.yaml` (env per app) or
 * `<env>/<app>/deployment.yaml` (global envs). Several apps in one env folder are told apart by file
 * prefix (`app1-helm.yaml`, `app2-helm.yaml`).
 */
export function detectPlainFolders(r: DirReaders, skipDirs: ReadonlySet<string>, kustomizationDirs: ReadonlySet<string>): Candidate[] {
  const { ctx } = r;
  const out: Candidate[] = [];
  const envNames = ctx.configuredEnvNames;
  const patchFiles = patchFilesOf(ctx, kustomizationDirs);
  for (const dir of ctx.index.allDirs()) {
    if (dir === "" || skipDirs.has(dir) || kustomizationDirs.has(dir)) continue;
    const segs = segments(dir);
    if (segs.includes("clusters") || segs.includes("templates") || ctx.isChartDir(dir)) continue;
    if (segs.some((_, i) => ctx.isChartDir(segs.slice(0, i + 1).join("/")))) continue;
    const files = ctx.index.filesIn(dir);
    // A folder of an overlay's patch files (`patches/replicas.yaml`) holds partial objects, not an app.
    if (!holdsWorkload(ctx, files.filter((f) => !patchFiles.has(f)))) continue;

    let env: string;
    let app: string;
    let appDir: string;
    if (isEnvLikeName(basename(dir), envNames)) {
      env = basename(dir);
      appDir = dirname(dir);
      if (ENV_PARENT_NAMES.has(basename(appDir)) || MANIFEST_DIR_NAMES.has(basename(appDir))) appDir = dirname(appDir);
      app = basename(appDir) || ctx.rootAppName;
    } else if (isEnvLikeName(basename(dirname(dir)), envNames)) {
      env = basename(dirname(dir));
      app = basename(dir);
      appDir = dir;
    } else continue;
    ctx.conventions.add(appDir === dir ? "global-envs" : "env-per-app-folders");

    const groups = groupByAppPrefix(files);
    const vctx = { deploymentDir: dir, ociLookup: r.ociLookup, localChart: r.localChart };
    if (groups.size > 1) {
      for (const [prefix, groupFiles] of groups) {
        const { resources, errors } = plainResources(ctx, groupFiles);
        out.push({ app: prefix, env, path: dir, appDir: dirname(dir), versions: dedupeVersions(resources.flatMap((x) => versionsOfResource(x, vctx))), errors, files: groupFiles, source: "plain" });
      }
      continue;
    }
    const { resources, errors } = plainResources(ctx, files);
    out.push({ app, env, path: dir, appDir, versions: dedupeVersions(resources.flatMap((x) => versionsOfResource(x, vctx))), errors, files: [...ctx.index.filesUnder(dir)], source: "plain" });
  }
  return out;
}

/** Files some kustomization applies as patches (`patches[].path`, `patchesStrategicMerge`, `patchesJson6902`). */
function patchFilesOf(ctx: ReadContext, kustomizationDirs: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const dir of kustomizationDirs) {
    for (const p of readKustomization(ctx, dir)?.patches ?? []) if (p.path) out.add(p.path);
  }
  return out;
}

function groupByAppPrefix(files: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const yamlFiles = files.filter(isYamlPath);
  for (const f of yamlFiles) {
    const m = BOUNDED_APP_FILE.exec(basename(f));
    if (!m?.[1]) return new Map();
    const list = groups.get(m[1]) ?? [];
    list.push(f);
    groups.set(m[1], list);
  }
  // Non-YAML companions (`app1-secrets.yaml.encrypted`) belong to the app their name starts with.
  for (const f of files.filter((x) => !isYamlPath(x))) {
    const prefix = [...groups.keys()].find((p) => basename(f).startsWith(`${p}-`));
    if (prefix) groups.get(prefix)?.push(f);
  }
  return groups;
}
