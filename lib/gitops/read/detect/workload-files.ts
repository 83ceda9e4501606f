import type { ReadContext } from "../context";
import { isYamlPath } from "../paths";
import { DEPLOYABLE_KINDS } from "./layout-names";

/** The workload kinds (Deployment, CronJob, HelmRelease…) the YAML files among `files` hold. */
export function workloadKinds(ctx: ReadContext, files: readonly string[]): Set<string> {
  const kinds = new Set<string>();
  for (const f of files) {
    if (!isYamlPath(f)) continue;
    for (const d of ctx.load(f).docs) {
      const kind = typeof d.value === "object" && d.value !== null ? String((d.value as { kind?: unknown }).kind) : "";
      if (DEPLOYABLE_KINDS.has(kind)) kinds.add(kind);
    }
  }
  return kinds;
}

/** Whether one of `files` is a YAML file holding a workload. */
export function holdsWorkload(ctx: ReadContext, files: readonly string[]): boolean {
  return workloadKinds(ctx, files).size > 0;
}
