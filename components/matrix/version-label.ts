import type { MatrixCell } from "@/lib/data/matrix";

type CellVersion = MatrixCell["versions"][number];

/** Short label for a version: the tag for images (the cell already says which app), name@version for charts. */
export function versionLabel(v: CellVersion): string {
  const raw = v.value ?? v.digest ?? null;
  // A digest is 71 characters; the first 12 hex digits identify it well enough in a cell (the title has it all).
  const value = raw === null ? "unpinned" : raw.startsWith("sha256:") ? `${raw.slice(0, 19)}…` : raw;
  if (v.kind === "image") return value;
  const short = v.name.split("/").pop() ?? v.name;
  return `${short}@${value}`;
}

export function versionTitle(v: CellVersion): string {
  return `${v.kind} ${v.name}${v.value ? `:${v.value}` : ""}${v.digest ? `@${v.digest}` : ""}${v.floating ? " (floating: not pinned to one release)" : ""}`;
}
