import { createHash } from "node:crypto";
import { encodeCommit, objectId, treeOfFiles, type EncodedObject } from "../../testing/git-objects";

// An in-memory git repository for the GitLab test server: content-addressed blobs (real git blob
// ids), commits with parents and a flat file map, branches. Enough history semantics for the API
// endpoints Ferry uses; not a git implementation.

export interface ModelFile {
  blob: string;
  mode: string;
}

export interface ModelCommit {
  id: string;
  parents: string[];
  files: ReadonlyMap<string, ModelFile>;
  message: string;
  authorName: string;
  authorEmail: string;
  authoredDate: string;
  committerName: string;
  committerEmail: string;
  committedDate: string;
}

export interface Identity {
  name: string;
  email: string;
}

export type FileContent = string | Uint8Array;

const DEFAULT_AUTHOR: Identity = { name: "Test User", email: "test@example.com" };

export class GitModel {
  readonly blobs = new Map<string, Buffer>();
  readonly commits = new Map<string, ModelCommit>();
  readonly branches = new Map<string, string>();
  readonly tags = new Map<string, string>();
  /** Trees and commits as git encodes them (blobs are in `blobs`), so the repository can be served over git. */
  readonly objects = new Map<string, EncodedObject>();
  /** A deterministic clock: every commit is one minute after the previous one. */
  private clock = Date.parse("2026-11-20T09:00:00.000Z");

  writeBlob(content: FileContent): string {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    const id = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
    this.blobs.set(id, bytes);
    return id;
  }

  /** Creates a commit object (no branch moves). */
  commit(input: { parents: string[]; files: ReadonlyMap<string, ModelFile>; message: string; author?: Identity; committer?: Identity }): ModelCommit {
    this.clock += 60_000;
    const date = new Date(this.clock).toISOString().replace("Z", "+00:00");
    const author = input.author ?? DEFAULT_AUTHOR;
    const committer = input.committer ?? author;
    // A real git commit (tree objects and all), so its id is the one a git client computes.
    const store = (object: EncodedObject) => {
      const sha = objectId(object.type, object.body);
      this.objects.set(sha, object);
      return sha;
    };
    const tree = treeOfFiles(new Map([...input.files].map(([p, f]) => [p, { mode: f.mode, sha: f.blob }])), store);
    const id = store({ type: "commit", body: encodeCommit({ tree, parents: input.parents, author: { ...author, date }, committer: { ...committer, date }, message: input.message }) });
    const commit: ModelCommit = {
      id,
      parents: input.parents,
      files: new Map(input.files),
      message: input.message,
      authorName: author.name,
      authorEmail: author.email,
      authoredDate: date,
      committerName: committer.name,
      committerEmail: committer.email,
      committedDate: date,
    };
    this.commits.set(id, commit);
    return commit;
  }

  /**
   * Test helper: commits `changes` (path → content, null deletes) on top of `branch` (created from
   * `from` when it does not exist) and moves the branch.
   */
  commitFiles(branch: string, changes: Record<string, FileContent | null>, message = "Update files", opts: { from?: string; author?: Identity; mode?: string } = {}): ModelCommit {
    const parentId = this.branches.get(branch) ?? (opts.from !== undefined ? this.resolve(opts.from) : undefined);
    const parent = parentId ? this.commits.get(parentId) : undefined;
    const files = new Map(parent?.files ?? []);
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) files.delete(path);
      else files.set(path, { blob: this.writeBlob(content), mode: opts.mode ?? files.get(path)?.mode ?? "100644" });
    }
    const commit = this.commit({ parents: parent ? [parent.id] : [], files, message, author: opts.author });
    this.branches.set(branch, commit.id);
    return commit;
  }

  /** Branch, tag, full or abbreviated (7+) commit id → commit id, or null. */
  resolve(ref: string): string | null {
    const branch = this.branches.get(ref);
    if (branch) return branch;
    const tag = this.tags.get(ref);
    if (tag) return tag;
    if (this.commits.has(ref)) return ref;
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      const matches = [...this.commits.keys()].filter((id) => id.startsWith(ref));
      if (matches.length === 1) return matches[0] ?? null;
    }
    return null;
  }

  /**
   * Commits reachable from `start`, newest first. With `path`, only commits whose content at that
   * file or folder differs from their first parent's. With `firstParent`, only the first-parent line.
   */
  history(start: string, opts: { path?: string; firstParent?: boolean } = {}): ModelCommit[] {
    const out: ModelCommit[] = [];
    const seen = new Set<string>();
    const queue = [start];
    while (queue.length > 0) {
      // Newest first across branches of history, like git log's default date order.
      queue.sort((a, b) => Date.parse(this.get(b).committedDate) - Date.parse(this.get(a).committedDate));
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const commit = this.get(id);
      const parent = commit.parents[0] ? this.get(commit.parents[0]) : null;
      if (opts.path === undefined || changedAt(commit, parent, opts.path)) out.push(commit);
      queue.push(...(opts.firstParent ? commit.parents.slice(0, 1) : commit.parents));
    }
    return out;
  }

  /** Whether `ancestor` is reachable from `descendant`. */
  isAncestor(ancestor: string, descendant: string): boolean {
    return this.history(descendant).some((c) => c.id === ancestor);
  }

  /** The newest common ancestor of two commits (by date). */
  mergeBase(a: string, b: string): string | null {
    const fromA = new Set(this.history(a).map((c) => c.id));
    return this.history(b).find((c) => fromA.has(c.id))?.id ?? null;
  }

  get(id: string): ModelCommit {
    const commit = this.commits.get(id);
    if (!commit) throw new Error(`test model: no commit ${id}`);
    return commit;
  }
}

function changedAt(commit: ModelCommit, parent: ModelCommit | null, path: string): boolean {
  const prefix = path === "" ? "" : `${path.replace(/\/+$/, "")}/`;
  const pick = (c: ModelCommit | null) =>
    c ? [...c.files.entries()].filter(([p]) => path === "" || p === path || p.startsWith(prefix)).map(([p, f]) => `${p}\0${f.blob}\0${f.mode}`).sort().join("\n") : "";
  return pick(commit) !== pick(parent);
}
