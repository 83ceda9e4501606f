import type { FileEdit } from "../change-set";
import type { FileTree } from "../model";

/** The files a plan has touched so far: several fields may land in one file, each edit builds on the last. */
export class EditBuffer {
  private readonly changed = new Map<string, string>();

  constructor(private readonly tree: FileTree) {}

  read(path: string): string | undefined {
    return this.changed.get(path) ?? this.tree.get(path);
  }

  write(path: string, text: string): void {
    this.changed.set(path, text);
  }

  /** Edits in path order; files written back unchanged are dropped. */
  edits(): FileEdit[] {
    return [...this.changed.entries()]
      .filter(([path, text]) => this.tree.get(path) !== text)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, text]) => {
        const previous = this.tree.get(path);
        return { path, action: previous === undefined ? "create" : "update", content: text, previous: previous ?? null };
      });
  }
}
