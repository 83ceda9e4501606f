import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import { versionsOfBuild, type DirReaders } from "../dir-versions";
import { KUSTOMIZATION_FILES, isRemoteResource, readKustomization, type Kustomization } from "../kustomize/kustomization";
import { basename, dirname, isUnder, joinInRepo, segments } from "../paths";
import { isEnvLikeName } from "../env-order";
import { BASE_DIR_NAMES, ENV_PARENT_NAMES, MANIFEST_DIR_NAMES, STAGE_PARENT_NAMES, isPackagingDirName } from "./layout-names";
import { workloadKinds } from "./workload-files";

export interface OverlayScan {
  candidates: Candidate[];
  /** Folders whose files a kustomization consumes: the plain-folder detector must not claim them. */
  consumedDirs: Set<string>;
  kustomizationDirs: Set<string>;
}

/**
 * `stages/<stage>` is a base when other kustomizations build on it (`envs/prod-eu` → `stages/prod`);
 * nothing building on it, it is a stage itself (Kargo's `stages/<stage>` overlays).
 */
function isStageBase(dir: string, referenced: ReadonlySet<string>): boolean {
  return STAGE_PARENT_NAMES.has(basename(dirname(dir))) && referenced.has(dir);
}

function isBaseLike(dir: string, referenced: ReadonlySet<string>): boolean {
  return BASE_DIR_NAMES.has(basename(dir)) || BASE_DIR_NAMES.has(basename(dirname(dir))) || isStageBase(dir, referenced);
}

function insideBase(dir: string, referenced: ReadonlySet<string>): boolean {
  return segments(dir).some((s) => BASE_DIR_NAMES.has(s)) || isStageBase(dir, referenced);
}

function inClusterFolder(dir: string): boolean {
  return segments(dir).includes("clusters");
}

interface OverlayPlan {
  dir: string;
  apps: { app: string; env: string; appDir: string; originDir?: string; namedAfterRepository?: boolean }[];
}

/**
 * Kustomize base + overlays: a kustomization whose resources point at a base (`…/base`, `…/base/<app>`,
 * `stages/<stage>`), or at a sibling overlay. The env is the overlay's folder name; the app comes from
 * the path (`<app>/overlays/<env>`, `<app>/envs/<env>`, `<app>/<env>`) or, for global envs, from the
 * `base/<app>` it points at.
 */
export function detectOverlays(r: DirReaders): OverlayScan {
  const { ctx } = r;
  const kustomizationDirs = new Set(ctx.index.paths.filter((p) => (KUSTOMIZATION_FILES as readonly string[]).includes(basename(p))).map(dirname));
  const consumedDirs = new Set<string>();
  const kusts = new Map<string, Kustomization>();
  const componentDirs = new Set<string>();
  for (const dir of kustomizationDirs) {
    const k = readKustomization(ctx, dir);
    if (!k) continue;
    kusts.set(dir, k);
    if (k.kind === "Component") componentDirs.add(dir);
    for (const c of k.components) {
      const target = joinInRepo(dir, c.entry);
      if (target !== null) componentDirs.add(target);
    }
    consumedDirs.add(dir);
    for (const res of k.resources) {
      if (isRemoteResource(res.entry)) continue;
      const target = joinInRepo(dir, res.entry);
      if (target !== null && ctx.index.hasFile(target)) consumedDirs.add(dirname(target));
    }
  }
  if (componentDirs.size > 0) ctx.conventions.add("kustomize-components");

  const plans = new Map<string, OverlayPlan>();
  const localDirTargets = (k: Kustomization) =>
    k.resources
      .filter((e) => !isRemoteResource(e.entry))
      .map((e) => joinInRepo(k.dir, e.entry))
      .filter((t): t is string => t !== null && ctx.index.hasDir(t));

  const referenced = new Set([...kusts.values()].flatMap(localDirTargets));
  // A layer other overlays build on from elsewhere (`apps/x/topology` under `apps/x/overlays/*`) is a base
  // by use, whatever its name; an overlay built on a sibling overlay (prod-eu → prod) stays an env, and so
  // does a folder a parent kustomization lists (`apps/staging` → `apps/staging/app2`).
  const builtOnFromElsewhere = new Set([...kusts.values()].flatMap((k) => localDirTargets(k).filter((t) => dirname(t) !== dirname(k.dir) && !isUnder(t, k.dir))));
  const layer = (dir: string) => builtOnFromElsewhere.has(dir) && !isEnvLikeName(basename(dir), ctx.configuredEnvNames) && !ENV_PARENT_NAMES.has(basename(dirname(dir)));
  const subApp = (k: Kustomization) => isSubAppLayer(k, kusts, localDirTargets, builtOnFromElsewhere, ctx.configuredEnvNames);
  const eligible = [...kusts.values()].filter((k) => !componentDirs.has(k.dir) && !insideBase(k.dir, referenced) && !inClusterFolder(k.dir) && !layer(k.dir) && !subApp(k));
  for (const k of eligible) {
    const parent = kusts.get(dirname(k.dir));
    const plan = planOverlay(ctx, k, localDirTargets(k), referenced, parent !== undefined && localDirTargets(parent).includes(k.dir));
    if (plan) plans.set(k.dir, plan);
  }
  // An overlay built on a sibling overlay (prod → ../staging) is an env of the same app.
  for (let changed = true; changed; ) {
    changed = false;
    for (const k of eligible) {
      if (plans.has(k.dir)) continue;
      const sibling = localDirTargets(k).find((t) => dirname(t) === dirname(k.dir) && plans.has(t));
      const siblingPlan = sibling ? plans.get(sibling) : undefined;
      if (!siblingPlan) continue;
      plans.set(k.dir, { dir: k.dir, apps: siblingPlan.apps.map((a) => ({ ...a, env: basename(k.dir) })) });
      changed = true;
    }
  }

  const candidates: Candidate[] = [];
  for (const plan of [...plans.values()].sort((a, b) => a.dir.localeCompare(b.dir))) {
    const build = r.resolver.build(plan.dir);
    const multi = plan.apps.length > 1;
    if (plan.apps.some((a) => a.originDir)) ctx.conventions.add("global-envs");
    else ctx.conventions.add("kustomize-overlays");
    for (const a of plan.apps) {
      candidates.push({
        app: a.app,
        env: a.env,
        path: plan.dir,
        appDir: a.appDir,
        versions: versionsOfBuild(r, build, plan.dir, multi ? a.originDir : undefined),
        errors: [...new Set(build.errors)],
        files: [...ctx.index.filesUnder(plan.dir)],
        destination: build.namespace ? { namespace: build.namespace } : undefined,
        source: "kustomize",
        ...(a.namedAfterRepository ? { namedAfterRepository: true } : {}),
      });
    }
  }
  return { candidates, consumedDirs, kustomizationDirs };
}

/**
 * One part of an app made of several (`apps/shop/{base,api,worker}`, each part `../base` with its own
 * `nameSuffix`): the app's kustomization lists the part, the part builds on its sibling `base`, and env
 * overlays elsewhere use the app as a whole. The part is not an env; the overlays using the app are.
 */
function isSubAppLayer(
  k: Kustomization,
  kusts: ReadonlyMap<string, Kustomization>,
  targetsOf: (k: Kustomization) => string[],
  builtOnFromElsewhere: ReadonlySet<string>,
  configuredEnvNames: readonly string[],
): boolean {
  const parentDir = dirname(k.dir);
  const parent = kusts.get(parentDir);
  if (!parent || k.dir === "" || isEnvLikeName(basename(parentDir), configuredEnvNames)) return false;
  const onSiblingBase = targetsOf(k).some((t) => dirname(t) === parentDir && BASE_DIR_NAMES.has(basename(t)));
  return onSiblingBase && targetsOf(parent).includes(k.dir) && builtOnFromElsewhere.has(parentDir);
}

function planOverlay(ctx: ReadContext, k: Kustomization, targets: string[], referenced: ReadonlySet<string>, listedByParent: boolean): OverlayPlan | undefined {
  const apps: OverlayPlan["apps"] = [];
  const dir = k.dir;
  const envName = basename(dir);
  // `apps/<env>/<app>` that the env's kustomization lists, holding its own workload and built on nothing:
  // an app of that env (a tenant's or a team's folder per env, copied rather than overlaid).
  const parentName = basename(dirname(dir));
  if (listedByParent && targets.length === 0 && k.helmCharts.length === 0 && isEnvLikeName(parentName, ctx.configuredEnvNames) && listsOwnWorkload(ctx, k)) {
    return { dir, apps: [{ app: envName, env: parentName, appDir: dir }] };
  }
  // Global envs: `apps/<env>` or `<env>/<app>` pointing at `base/<app>`.
  for (const t of targets) {
    if (!BASE_DIR_NAMES.has(basename(dirname(t)))) continue;
    const app = basename(t);
    const env = envName === app ? basename(dirname(dir)) : envName;
    if (!apps.some((a) => a.app === app)) apps.push({ app, env, appDir: t, originDir: t });
  }
  if (apps.length > 0) return { dir, apps };
  const baseTarget = targets.find((t) => isBaseLike(t, referenced));
  const underEnvParent = ENV_PARENT_NAMES.has(basename(dirname(dir)));
  // Under `overlays/`, `envs/`…, a kustomization that inflates a Helm chart, builds on a remote base or
  // lists its own workload manifests is an env on its own: it often shares only a values file with its
  // siblings, or no base in this repository at all.
  const onRemoteBase = k.resources.some((r) => isRemoteResource(r.entry));
  if (!baseTarget && !(underEnvParent && (targets.length > 0 || k.helmCharts.length > 0 || onRemoteBase || listsOwnWorkload(ctx, k)))) return undefined;
  let appDir: string;
  const app = baseTarget ? undefined : appUsedWhole(dir, targets);
  if (underEnvParent && app !== undefined) appDir = app;
  else if (underEnvParent) appDir = dirname(dirname(dir));
  else if (baseTarget && BASE_DIR_NAMES.has(basename(baseTarget))) appDir = dirname(baseTarget);
  else appDir = dirname(dir);
  const named = appFolderOf(appDir);
  // Only a packaging folder at the top (`k8s/`) leaves the app unnamed; a layout that is the repository's own stays so.
  return { dir, apps: [{ app: basename(named) || ctx.rootAppName, env: envName, appDir, ...(named === "" && appDir !== "" ? { namedAfterRepository: true } : {}) }] };
}

/**
 * The kustomization's own files (`resources:` entries that are files of the repository) hold a workload,
 * and no HelmRelease: a folder with releases is read by what reads releases, which names its apps.
 */
function listsOwnWorkload(ctx: ReadContext, k: Kustomization): boolean {
  const files = k.resources.filter((r) => !isRemoteResource(r.entry)).map((r) => joinInRepo(k.dir, r.entry));
  const kinds = workloadKinds(ctx, files.filter((f): f is string => f !== null && ctx.index.hasFile(f)));
  return kinds.size > 0 && !kinds.has("HelmRelease");
}

/**
 * `shop/k8s/{base,overlays/<env>}` is app `shop`: a folder that only packages the app (`k8s`, `deploy`,
 * `helm`…) names nothing, and at the top of the repository (`k8s/overlays/<env>`, "") the repository is the app.
 */
function appFolderOf(appDir: string): string {
  let d = appDir;
  while (d !== "" && isPackagingDirName(basename(d))) d = dirname(d);
  return d;
}

/**
 * `envs/<env>` at the top (or in a `deploy/`-like folder that names nothing) using one app from another
 * part of the repository (`../../apps/shop`) deploys that app. A target beside `envs/` itself is the
 * folder's own base, whatever it is called, and names nothing.
 */
function appUsedWhole(dir: string, targets: readonly string[]): string | undefined {
  const holder = dirname(dirname(dir));
  if (holder !== "" && !MANIFEST_DIR_NAMES.has(basename(holder))) return undefined;
  const outside = targets.filter((t) => dirname(t) !== dirname(dir) && dirname(t) !== holder && !isUnder(t, dirname(dir)));
  return outside.length === 1 ? outside[0] : undefined;
}
