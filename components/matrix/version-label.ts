import type { MatrixCell } from "@/lib/data/matrix";

type CellVersion = MatrixCell["versions"][number];

/** Short label for a version: the tag for images (the cell already says which app), name@version for charts. */
export function versionLabel(v: CellVersion): string {
  const value = v.value ?? (v.digest ? v.digest.slice(0, 19) : "unpinned");
  if (v.kind === "image") return value;
  const short = v.name.split("/").pop() ?? v.name;
  return `${short}@${value}`;
}

export function versionTitle(v: CellVersion): string {
  return `${v.kind} ${v.name}${v.value ? `:${v.value}` : ""}${v.digest ? `@${v.digest}` : ""}${v.floating ? " (floating: not pinned to one release)" : ""}`;
}
