import type { Version } from "../../model";
import { getAtPath, isRecord } from "../../yaml";
import { DEPLOYABLE_KINDS, LAYER_NAMES } from "../detect/layout-names";
import { isEnvLikeName } from "../env-order";
import { locationKey, type BuiltResource } from "../kustomize/built-resource";
import { WORKLOAD_NAME } from "./declaring-app-folder";
import { isHelmRelease, nameOf } from "./objects";

/** The workload a version is set for, by the version's location. */
export type WorkloadsByVersion = Map<string, { name: string; file: string; hook: boolean }>;

/** A layer name (`apps`) or an env name (`production`) says where a cell is, not which app it is. */
export function isPlaceName(name: string, configuredEnvNames: readonly string[]): boolean {
  return LAYER_NAMES.has(name) || isEnvLikeName(name, configuredEnvNames);
}

/**
 * The plain workloads (Deployment, StatefulSet, …; HelmReleases are apps of their own already) of a build,
 * keyed by the location of each version they hold. Helm hooks (a chart's test Pod) run beside an app and
 * never name one.
 */
export function workloadsByVersion(resources: readonly BuiltResource[], versionsOf: (res: BuiltResource) => Version[]): WorkloadsByVersion {
  const out: WorkloadsByVersion = new Map();
  for (const res of resources) {
    if (!DEPLOYABLE_KINDS.has(String(res.obj.kind)) || isHelmRelease(res.obj)) continue;
    const name = res.originalName || nameOf(res.obj);
    if (!WORKLOAD_NAME.test(name)) continue;
    const annotations = getAtPath(res.obj, ["metadata", "annotations"]);
    const hook = isRecord(annotations) && annotations["helm.sh/hook"] !== undefined;
    for (const v of versionsOf(res)) out.set(locationKey(v), { name, file: res.file, hook });
  }
  return out;
}

/**
 * The apps of a cell whose name only says where it is (a layer or env name), told by the workloads its
 * versions are set for: one workload names the cell; several, each declared in files of its own, are one
 * app each (`podinfo.yaml` and `producer.yaml` side by side in an env folder Flux applies whole). Workloads
 * named after one of them (`web`, `web-worker`) are that one app. Undefined when a version belongs to no
 * workload or workloads share a file: nothing better than the cell's name is known.
 */
export function appsOfWorkloads(versions: readonly Version[], workloads: WorkloadsByVersion): Map<string, Version[]> | undefined {
  const byName = new Map<string, Version[]>();
  const filesByName = new Map<string, Set<string>>();
  const hooks: Version[] = [];
  for (const v of versions) {
    const w = workloads.get(locationKey(v));
    if (!w) return undefined;
    if (w.hook) {
      hooks.push(v);
      continue;
    }
    byName.set(w.name, [...(byName.get(w.name) ?? []), v]);
    filesByName.set(w.name, (filesByName.get(w.name) ?? new Set()).add(w.file));
  }
  const names = [...byName.keys()];
  if (names.length === 0) return undefined;
  const main = names.find((n) => names.every((o) => o === n || o.startsWith(`${n}-`)));
  if (main !== undefined) return new Map([[main, [...versions]]]);
  const owner = new Map<string, string>();
  for (const [name, files] of filesByName) {
    for (const f of files) {
      if (owner.has(f)) return undefined;
      owner.set(f, name);
    }
  }
  // A hook beside several apps belongs to none of them in particular.
  return hooks.length === 0 ? byName : undefined;
}
