import type { Deployment, RepoModel } from "@/lib/gitops/model";

/**
 * Files of a cell that do not parse, as "file:line: message". The planner only sees what the reader
 * could parse, so a broken target looked like a cell without release fields and was refused with a
 * misleading "no counterpart … add it by hand"; the person needs to hear which file to fix.
 */
export function unreadableFiles(model: RepoModel, cell: Deployment): string[] {
  const inCell = (file: string) => cell.files.includes(file) || file === cell.path || file.startsWith(`${cell.path}/`);
  return model.errors.filter((e) => inCell(e.file)).map((e) => `${e.file}${e.line !== undefined ? `:${e.line}` : ""}: ${e.message}`);
}
