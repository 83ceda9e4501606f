import type { FileTree } from "../model";
import { basename, dirname } from "./paths";
import { skippedFilesOf, type SkippedFiles } from "./skipped-files";

interface DirEntry {
  files: string[];
  subdirs: string[];
}

/**
 * Directory index built once per read, so every "what is in this folder" question is a map lookup
 * instead of a scan of the whole tree (repos have thousands of files).
 */
export class TreeIndex {
  readonly paths: string[];
  private readonly dirs = new Map<string, DirEntry>();
  private readonly under = new Map<string, string[]>();
  /** In git but left out of the tree by its loader (symlink, too large, not UTF-8): exists, cannot be read. */
  private readonly skipped: SkippedFiles;

  constructor(readonly tree: FileTree) {
    this.paths = [...tree.keys()].sort();
    this.skipped = skippedFilesOf(tree);
    this.ensureDir("");
    for (const path of this.paths) {
      const dir = dirname(path);
      this.ensureDir(dir).files.push(path);
    }
  }

  private ensureDir(dir: string): DirEntry {
    let entry = this.dirs.get(dir);
    if (entry) return entry;
    entry = { files: [], subdirs: [] };
    this.dirs.set(dir, entry);
    if (dir !== "") this.ensureDir(dirname(dir)).subdirs.push(dir);
    return entry;
  }

  /**
   * True for a file the loader skipped as well: a kustomization that lists it then loads it, and the
   * load says why it was not read instead of the entry being "not found".
   */
  hasFile(path: string): boolean {
    return this.tree.has(path) || this.skipped.has(path);
  }

  hasDir(dir: string): boolean {
    return this.dirs.has(dir);
  }

  read(path: string): string | undefined {
    return this.tree.get(path);
  }

  /** Files directly in `dir`. */
  filesIn(dir: string): readonly string[] {
    return this.dirs.get(dir)?.files ?? [];
  }

  subdirsOf(dir: string): readonly string[] {
    return this.dirs.get(dir)?.subdirs ?? [];
  }

  allDirs(): string[] {
    return [...this.dirs.keys()].sort();
  }

  /** Files anywhere below `dir` (memoised). */
  filesUnder(dir: string): readonly string[] {
    const cached = this.under.get(dir);
    if (cached) return cached;
    const out: string[] = [...this.filesIn(dir)];
    for (const sub of this.subdirsOf(dir)) out.push(...this.filesUnder(sub));
    out.sort();
    this.under.set(dir, out);
    return out;
  }

  findFileIn(dir: string, names: readonly string[]): string | undefined {
    for (const name of names) {
      const path = dir === "" ? name : `${dir}/${name}`;
      if (this.tree.has(path)) return path;
    }
    return undefined;
  }

  /** The first file named one of `names` directly in `dir`, matching on basename only. */
  fileNamed(dir: string, names: readonly string[]): string | undefined {
    return this.filesIn(dir).find((f) => names.includes(basename(f)));
  }
}
