import type { PrismaClient } from "@/lib/db/client";
import type { Version } from "@/lib/gitops/model";
import { CellIndex, type PlaceableCell } from "./place";

// The cells live objects are placed in, read from the cache. Cells change only when a repository's
// head (or its URL or branch) does, so the index is kept until one of those moves.

let cached: { signature: string; index: CellIndex } | undefined;

export async function loadCellIndex(prisma: PrismaClient): Promise<CellIndex> {
  return (await loadSignedCellIndex(prisma)).index;
}

/** The index with a signature that changes whenever the cells may have. */
export async function loadSignedCellIndex(prisma: PrismaClient): Promise<{ signature: string; index: CellIndex }> {
  const repositories = await prisma.repository.findMany({ select: { id: true, name: true, url: true, defaultBranch: true, headSha: true }, orderBy: { id: "asc" } });
  const signature = repositories.map((r) => `${r.id}:${r.name}:${r.url}:${r.defaultBranch}:${r.headSha ?? ""}`).join(",");
  if (cached?.signature === signature) return cached;
  const byId = new Map(repositories.map((r) => [r.id, r]));
  const deployments = await prisma.deployment.findMany({
    select: { path: true, versions: true, app: { select: { name: true, repositoryId: true } }, environment: { select: { name: true } } },
  });
  const cells: PlaceableCell[] = [];
  for (const d of deployments) {
    const repo = byId.get(d.app.repositoryId);
    if (!repo) continue;
    const versions = d.versions as unknown as Version[];
    const charts = versions.filter((v) => v.kind === "chart").map((v) => v.name);
    const artifacts = versions.filter((v) => v.name.startsWith("oci://")).map((v) => v.name);
    cells.push({ repository: repo.name, repositoryUrl: repo.url, branch: repo.defaultBranch, app: d.app.name, env: d.environment.name, path: d.path, charts, artifacts });
  }
  cached = { signature, index: new CellIndex(cells) };
  return cached;
}
