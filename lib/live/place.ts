import type { LiveApplication, LiveSource } from "./types";

// Which cell a live object is: found with what the reader already knows about each cell (the
// repository it lives in, its folder, its chart, its app and environment names), never guessed from
// one field alone. An object that fits no cell, or several equally, is left unplaced with the reason,
// so the "not placed" page can say what Ferry could not match.

export interface PlaceableCell {
  repository: string;
  repositoryUrl: string;
  branch: string;
  app: string;
  env: string;
  /** The cell's folder (or the Application file for chart sources). */
  path: string;
  /** Names of the charts among the cell's versions. */
  charts: string[];
  /** OCI artifacts among the cell's versions (a Flux Kustomization applying an OCIRepository). */
  artifacts?: string[];
}

export type Placement = { repository: string; app: string; env: string } | { reason: string };

/** One index over every cell, built once per batch of live objects. */
export class CellIndex {
  private readonly byRepository = new Map<string, PlaceableCell[]>();
  /** Repository, then folder: 10,000 objects must not each scan 10,000 cells. */
  private readonly byFolder = new Map<string, Map<string, PlaceableCell[]>>();
  private readonly byChart = new Map<string, PlaceableCell[]>();
  private readonly byArtifact = new Map<string, PlaceableCell[]>();
  constructor(readonly cells: readonly PlaceableCell[]) {
    for (const c of cells) {
      const repo = normalizeRepoUrl(c.repositoryUrl);
      push(this.byRepository, repo, c);
      let folders = this.byFolder.get(repo);
      if (!folders) this.byFolder.set(repo, (folders = new Map()));
      push(folders, normalizePath(c.path), c);
      for (const chart of c.charts) push(this.byChart, chart, c);
      for (const artifact of c.artifacts ?? []) push(this.byArtifact, normalizeRepoUrl(artifact), c);
    }
  }
  inRepository(url: string): PlaceableCell[] | undefined {
    return this.byRepository.get(normalizeRepoUrl(url));
  }
  atFolder(url: string, folder: string): PlaceableCell[] {
    return this.byFolder.get(normalizeRepoUrl(url))?.get(normalizePath(folder)) ?? [];
  }
  withChart(chart: string): PlaceableCell[] {
    return this.byChart.get(chart) ?? [];
  }
  withArtifact(url: string): PlaceableCell[] {
    return this.byArtifact.get(normalizeRepoUrl(url)) ?? [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `https://User@GitHub.com/acme/gitops.git/` and `git@github.com:acme/gitops` are one repository. */
export function normalizeRepoUrl(url: string): string {
  let u = url.trim();
  const scp = /^[\w.-]+@([^:/]+):(?!\/)(.*)$/.exec(u);
  if (scp) u = `${scp[1]}/${scp[2]}`;
  else u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/^[^@/]+@/, "");
  u = u.replace(/\/+$/, "").replace(/\.git$/, "").replace(/\/+$/, "");
  // Hosts are case-insensitive, and so are repository paths on GitHub and GitLab.
  return u.toLowerCase();
}

function normalizePath(path: string): string {
  return path.replace(/^\.\/+/, "").replace(/^\/+|\/+$/g, "") || ".";
}

const FOLLOWS_BRANCH = (rev: string | undefined, branch: string) => !rev || rev === "HEAD" || rev === branch || rev === `refs/heads/${branch}`;

/** The cells among `cells` whose environment the live object names (suffix, prefix, namespace or cluster). */
function sameEnvironment(cells: PlaceableCell[], live: LiveApplication): PlaceableCell[] {
  const { name, destination } = live;
  return cells.filter((c) => name === c.env || name.endsWith(`-${c.env}`) || name.startsWith(`${c.env}-`) || destination.namespace === c.env || destination.name === c.env);
}

function sameApp(cells: PlaceableCell[], live: LiveApplication): PlaceableCell[] {
  return cells.filter((c) => live.name === c.app || live.name.startsWith(`${c.app}-`) || live.name.endsWith(`-${c.app}`));
}

function describe(cells: PlaceableCell[]): string {
  const names = cells.slice(0, 4).map((c) => `${c.app} in ${c.env}`);
  return cells.length > 4 ? `${names.join(", ")} and ${cells.length - 4} more` : names.join(", ");
}

/** Narrows several candidates by environment, then by app name; one left is the cell. */
function pick(candidates: PlaceableCell[], live: LiveApplication, what: string): Placement {
  if (candidates.length === 1) return cellOf(candidates[0] as PlaceableCell);
  const byEnv = sameEnvironment(candidates, live);
  if (byEnv.length === 1) return cellOf(byEnv[0] as PlaceableCell);
  const byApp = sameApp(byEnv.length > 0 ? byEnv : candidates, live);
  if (byApp.length === 1) return cellOf(byApp[0] as PlaceableCell);
  return { reason: `${what} is deployed by several cells (${describe(byEnv.length > 0 ? byEnv : candidates)}), and the Application's name, namespace and cluster do not say which` };
}

function cellOf(c: PlaceableCell): Placement {
  return { repository: c.repository, app: c.app, env: c.env };
}

function placeSource(source: LiveSource, live: LiveApplication, index: CellIndex): Placement {
  if (source.artifact) {
    const candidates = index.withArtifact(source.artifact);
    if (candidates.length === 0) return { reason: `no cell deploys the OCI artifact ${source.artifact}` };
    return pick(candidates, live, `the OCI artifact ${source.artifact}`);
  }
  if (source.chart) {
    const candidates = index.withChart(source.chart);
    if (candidates.length === 0) return { reason: `no cell deploys the chart ${source.chart} (${source.repoURL})` };
    return pick(candidates, live, `the chart ${source.chart}`);
  }
  const cells = index.inRepository(source.repoURL);
  if (!cells) return { reason: `the repository ${source.repoURL} is not one Ferry reads` };
  const branch = cells[0]?.branch ?? "main";
  if (!FOLLOWS_BRANCH(source.targetRevision, branch)) {
    return { reason: `it deploys revision ${source.targetRevision} of ${cells[0]?.repository}, and Ferry reads branch ${branch}` };
  }
  const path = normalizePath(source.path ?? ".");
  const atPath = index.atFolder(source.repoURL, path);
  if (atPath.length === 0) return { reason: `no cell of ${cells[0]?.repository} is the folder ${path}` };
  return pick(atPath, live, `${cells[0]?.repository}/${path}`);
}

/** The cell a live object is, or why none is. */
export function placeApplication(live: LiveApplication, index: CellIndex): Placement {
  if (live.sources.length === 0) return { reason: "it has no source Ferry can read (no repository URL)" };
  let first: Placement | undefined;
  for (const source of live.sources) {
    const placed = placeSource(source, live, index);
    if (!("reason" in placed)) return placed;
    first ??= placed;
  }
  return first as Placement;
}
