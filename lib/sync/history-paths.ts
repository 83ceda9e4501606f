import type { Deployment } from "@/lib/gitops/model";

/**
 * The paths whose commits change what a cell runs: its folder, or, where several cells share that folder
 * (a global env folder, a folder every cluster reconciles) and any file changes for all of them, the files
 * holding its versions. "Last changed" and the cell's history both walk these.
 */
export function cellHistoryPaths(cell: Pick<Deployment, "path" | "versions">, cellsAtPath: number): string[] {
  const own = [...new Set(cell.versions.map((v) => v.file))].sort();
  return cellsAtPath > 1 && own.length > 0 ? own : [cell.path];
}
