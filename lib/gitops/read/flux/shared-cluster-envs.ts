import type { Candidate } from "../candidate";
import { ENV_PARENT_NAMES } from "../detect/layout-names";
import { isEnvLikeName } from "../env-order";
import { basename, dirname } from "../paths";

/** A cell the Flux wiring produced, with what the folder layout said about it. */
export interface PlacedCell {
  candidate: Candidate;
  /** The cluster the cell deploys to. */
  target: string;
  /** Folder the Flux Kustomization applies. */
  unitDir: string;
  /** The env and app the folder layout gave the cell, when it did. */
  layout?: { env: string; app: string };
  /** The app is named after the Flux Kustomization (nothing better was known). */
  namedAfterUnit: boolean;
}

/**
 * One cluster often runs several environments, one namespace each (`webapp-staging` →
 * `apps/webapp/overlays/staging`, `webapp-production` → `…/production`). When a cluster applies two or
 * more env folders of one app, the cluster is not the environment: each cell takes its folder's env
 * (and the app its folder's app, not the `<app>-<env>` Kustomization name) and keeps the cluster as its
 * destination. A cluster applying one env per app stays the environment (`clusters/staging`).
 */
export function placeEnvsOfSharedClusters(cells: readonly PlacedCell[], configuredEnvNames: readonly string[]): void {
  const byTarget = new Map<string, PlacedCell[]>();
  for (const cell of cells) byTarget.set(cell.target, [...(byTarget.get(cell.target) ?? []), cell]);
  for (const group of byTarget.values()) placeInCluster(group, configuredEnvNames);
}

function placeInCluster(cells: readonly PlacedCell[], configured: readonly string[]): void {
  const envLike = (name: string) => isEnvLikeName(name, configured);
  const folderEnvs = envFoldersOf(cells.map((c) => c.unitDir), envLike);
  const placement = (cell: PlacedCell): { env: string; app: string } | undefined => {
    if (cell.layout) return envLike(cell.layout.env) ? cell.layout : undefined;
    const env = folderEnvs.get(cell.unitDir);
    return env === undefined ? undefined : { env, app: folderApp(cell.unitDir) };
  };
  const envsByApp = new Map<string, Set<string>>();
  for (const cell of cells) {
    const p = placement(cell);
    if (!p || !envLike(p.env)) continue;
    envsByApp.set(p.app, (envsByApp.get(p.app) ?? new Set()).add(p.env));
  }
  if (![...envsByApp.values()].some((envs) => envs.size >= 2)) return;
  // Cells of one unit without a layout env of their own (its HelmReleases) follow the unit's env.
  const unitEnv = new Map<string, string | null>();
  for (const cell of cells) {
    const p = placement(cell);
    if (!p) continue;
    const known = unitEnv.get(cell.unitDir);
    unitEnv.set(cell.unitDir, known === undefined || known === p.env ? p.env : null);
  }
  for (const cell of cells) {
    const p = placement(cell);
    const env = p?.env ?? unitEnv.get(cell.unitDir) ?? undefined;
    if (env === undefined) continue;
    cell.candidate.env = env;
    if (!cell.layout && cell.namedAfterUnit) cell.candidate.app = folderApp(cell.unitDir);
  }
}

/**
 * The env of each applied folder named after one (`…/web/dev`), and of its siblings applied beside it
 * (`…/web/feature2` next to `…/web/dev`: a preview env of the same app).
 */
function envFoldersOf(unitDirs: readonly string[], envLike: (name: string) => boolean): Map<string, string> {
  const parentsWithEnvs = new Set(unitDirs.filter((d) => d !== "" && envLike(basename(d))).map(dirname));
  const out = new Map<string, string>();
  for (const d of unitDirs) if (d !== "" && parentsWithEnvs.has(dirname(d))) out.set(d, basename(d));
  return out;
}

/** `apps/web/dev` → `web`; `apps/web/overlays/dev` → `web`. */
function folderApp(unitDir: string): string {
  const parent = dirname(unitDir);
  return basename(ENV_PARENT_NAMES.has(basename(parent)) ? dirname(parent) : parent);
}
