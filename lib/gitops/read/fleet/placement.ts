import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import { SINGLE_ENV_NAME } from "../detect/standalone";
import { dirname, isUnder, isYamlPath } from "../paths";
import type { FleetScan } from "./bundles";
import { gitReposDeploying, type FleetGitRepo } from "./gitrepos";

const WIRED_SOURCES = new Set<Candidate["source"]>(["argocd", "flux", "configured", "fleet"]);

function candidateDir(ctx: ReadContext, c: Candidate): string {
  return isYamlPath(c.path) && !ctx.index.hasDir(c.path) ? dirname(c.path) : c.path;
}

/** Fleet bundle folders read as Fleet deploys them: the folder layout's guesses inside them (not inside a nested bundle) give way. */
export function withoutFleetBundleGuesses(ctx: ReadContext, fleet: FleetScan, layout: Candidate[]): Candidate[] {
  if (fleet.bundleDirs.size === 0) return layout;
  const dirs = [...fleet.bundleDirs];
  return layout.filter((c) => {
    const dir = candidateDir(ctx, c);
    const owner = dirs.filter((d) => isUnder(dir, d)).sort((a, b) => b.length - a.length)[0];
    return owner === undefined || !fleet.candidates.some((f) => f.appDir === owner);
  });
}

/**
 * Fleet GitRepos place every app under their paths in each of their targets: a cell the folder layout put
 * in the one unnamed environment (a folder without its own `fleet.yaml`, part of the bundle around it) is
 * deployed to each target instead, and one inside a bundle no GitRepo deploys is dropped, with a note.
 * Cells that Argo CD, Flux or a configuration placed, or that name their environment, are left as they are.
 */
export function placeByGitRepos(ctx: ReadContext, gitRepos: readonly FleetGitRepo[], fleet: FleetScan, candidates: Candidate[]): Candidate[] {
  if (gitRepos.length === 0) return candidates;
  const out: Candidate[] = [];
  const dropped: string[] = [];
  for (const c of candidates) {
    const dir = candidateDir(ctx, c);
    if (WIRED_SOURCES.has(c.source)) {
      out.push(c);
      continue;
    }
    if (fleet.undeployedDirs.some((d) => isUnder(dir, d))) {
      dropped.push(c.path || ".");
      continue;
    }
    const deploying = gitReposDeploying(gitRepos, dir);
    if (c.env !== SINGLE_ENV_NAME || deploying.length === 0) {
      out.push(c);
      continue;
    }
    const envs = [...new Set(deploying.flatMap((g) => g.targets.map((t) => t.env)))];
    for (const env of envs) out.push({ ...c, env });
  }
  if (dropped.length > 0) ctx.note(`not deployed by any Fleet GitRepo of this repository (inside a bundle outside their paths): ${dropped.length <= 3 ? dropped.join(", ") : `${dropped.slice(0, 3).join(", ")} and ${dropped.length - 3} more`}`);
  return out;
}
