import type { ChangeSet } from "../change-set";
import type { FileTree, RepoModel } from "../model";
import { readRepository, type ReadOptions } from "../read";

// A scaffold is only useful if the repository's own reconcilers deploy what it writes: an Argo CD
// ApplicationSet watching `apps/*/envs/*` deploys nothing from `apps/x/overlays/dev`, although the folder
// looks like an app. The repository is read again with the change applied, the way it will be after the
// merge, and each environment of the new app must be wired by an Application, ApplicationSet or Flux
// Kustomization, as the repository's other apps are.

export interface Pickup {
  env: string;
  /** The new app's folder in that environment, when the read finds one. */
  path: string | null;
  /** The file of the reconciler that deploys it (an Application, ApplicationSet or Flux Kustomization). */
  by: string | null;
}

export interface PickupCheck {
  /** Whether the repository's apps are wired by reconcilers at all; when not, there is nothing to check. */
  reconciled: boolean;
  pickups: Pickup[];
  /** Environments nothing would deploy the new app in. */
  missing: Pickup[];
}

/** Whether a repository's deployments are placed by reconciler objects (not only by folder layout). */
export function isReconciled(model: RepoModel): boolean {
  return model.deployments.some((d) => d.destination?.wiredBy !== undefined && d.destination.wiredBy !== d.path);
}

/**
 * Reads `tree` with `changeSet` applied and says, per environment, which reconciler deploys app `name`.
 * `options` are those `model` was read with (the branch decides which `targetRevision`s deploy).
 */
export function checkPickup(tree: FileTree, model: RepoModel, changeSet: ChangeSet, name: string, envs: readonly string[], options: ReadOptions = {}): PickupCheck {
  const reconciled = isReconciled(model);
  const after = new Map(tree);
  for (const e of changeSet.edits) {
    if (typeof e.content === "string") after.set(e.path, e.content);
    else after.delete(e.path);
  }
  const read = readRepository(after, options);
  const pickups = envs.map((env): Pickup => {
    const cell = read.deployments.find((d) => d.app === name && d.env === env);
    const by = cell?.destination?.wiredBy;
    return { env, path: cell?.path ?? null, by: by !== undefined && by !== cell?.path ? by : null };
  });
  return { reconciled, pickups, missing: reconciled ? pickups.filter((p) => p.by === null) : [] };
}

/** One line per environment for the plan: who deploys the new files. */
export function pickupNotes(check: PickupCheck): string[] {
  if (!check.reconciled) return ["No Argo CD or Flux object in this repository wires its apps: the new folders are deployed by whatever deploys the repository's other folders today."];
  return check.pickups.filter((p) => p.by !== null).map((p) => `${p.env}: ${p.path ?? "the new app"} is deployed by ${p.by}.`);
}

/** Why the files would not be deployed, for a refusal. */
export function pickupProblem(check: PickupCheck, label: string): string {
  const where = check.missing.map((p) => (p.path ? `${p.env} (${p.path})` : p.env)).join(", ");
  return `${label} writes files no Argo CD or Flux object of this repository would deploy in ${where}: the repository's other apps are wired by its own reconcilers, and none of them picks these up.`;
}
