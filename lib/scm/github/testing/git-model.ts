import { createHash } from "node:crypto";
import type { EncodedObject } from "../../testing/git-objects";

// An in-memory git repository with real object ids (SHA-1 of git's object encoding), so trees,
// commits and blobs the test server hands out look and behave like GitHub's: same content, same sha.

export interface TreeRecord {
  name: string;
  mode: string;
  sha: string;
}
export interface Person {
  name: string;
  email: string;
  date: string;
}
export type GitObject =
  | { type: "blob"; data: Buffer }
  | { type: "tree"; entries: TreeRecord[] }
  | { type: "commit"; tree: string; parents: string[]; author: Person; committer: Person; message: string };

export interface FlatEntry {
  path: string;
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size?: number;
}

export class GitModel {
  readonly objects = new Map<string, GitObject>();
  /** Every object as git stores it, so the test server can serve the repository over git too. */
  readonly encoded = new Map<string, EncodedObject>();
  /** Full ref name ("refs/heads/main") → sha. */
  readonly refs = new Map<string, string>();
  private clock = Date.parse("2026-01-01T00:00:00Z");

  blob(content: string | Buffer): string {
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    return this.store({ type: "blob", data }, data);
  }

  tree(entries: TreeRecord[]): string {
    const sorted = [...entries].sort((a, b) => compareTreeNames(a, b));
    const body = Buffer.concat(sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.sha, "hex")])));
    return this.store({ type: "tree", entries: sorted }, body);
  }

  commit(input: { tree: string; parents: string[]; message: string; author?: Partial<Person>; committer?: Partial<Person> }): string {
    const date = new Date((this.clock += 60_000)).toISOString().replace(/\.\d{3}Z$/, "Z");
    const author = { name: "Octo Cat", email: "octocat@example.com", date, ...input.author };
    const committer = { name: "GitHub", email: "noreply@github.com", date, ...input.committer };
    const stamp = (p: Person) => `${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000`;
    const text = [`tree ${input.tree}`, ...input.parents.map((p) => `parent ${p}`), `author ${stamp(author)}`, `committer ${stamp(committer)}`, "", input.message].join("\n");
    return this.store({ type: "commit", tree: input.tree, parents: input.parents, author, committer, message: input.message }, Buffer.from(text));
  }

  get(sha: string): GitObject | undefined {
    return this.objects.get(sha);
  }

  commitObject(sha: string): Extract<GitObject, { type: "commit" }> | undefined {
    const o = this.objects.get(sha);
    return o?.type === "commit" ? o : undefined;
  }

  /** Every entry below a tree (recursive), git's order: a folder before its contents. */
  flatten(treeSha: string, prefix = ""): FlatEntry[] {
    const tree = this.objects.get(treeSha);
    if (tree?.type !== "tree") return [];
    const out: FlatEntry[] = [];
    for (const e of tree.entries) {
      const path = prefix + e.name;
      const object = this.objects.get(e.sha);
      const type = e.mode === "40000" ? "tree" : e.mode === "160000" ? "commit" : "blob";
      out.push({ path, mode: e.mode, type, sha: e.sha, ...(object?.type === "blob" ? { size: object.data.length } : {}) });
      if (type === "tree") out.push(...this.flatten(e.sha, `${path}/`));
    }
    return out;
  }

  /** Files of a tree as path → { mode, sha } (blobs, links and submodules). */
  files(treeSha: string): Map<string, { mode: string; sha: string }> {
    return new Map(this.flatten(treeSha).filter((e) => e.type !== "tree").map((e) => [e.path, { mode: e.mode, sha: e.sha }]));
  }

  /** Builds a tree from path → file (nested folders created as needed). */
  buildTree(files: ReadonlyMap<string, { mode: string; sha: string }>): string {
    const root = new Map<string, unknown>();
    for (const [path, file] of files) {
      const parts = path.split("/");
      let dir = root;
      for (const part of parts.slice(0, -1)) {
        let next = dir.get(part);
        if (!(next instanceof Map)) dir.set(part, (next = new Map<string, unknown>()));
        dir = next as Map<string, unknown>;
      }
      dir.set(parts[parts.length - 1] ?? "", file);
    }
    const write = (dir: Map<string, unknown>): string =>
      this.tree(
        [...dir].map(([name, value]) =>
          value instanceof Map ? { name, mode: "40000", sha: write(value as Map<string, unknown>) } : { name, ...(value as { mode: string; sha: string }) },
        ),
      );
    return write(root);
  }

  /** Test setup: a commit on `branch` with these files changed (null deletes). */
  commitFiles(branch: string, changes: Record<string, string | Buffer | null>, message = "Update files"): string {
    const parent = this.refs.get(`refs/heads/${branch}`);
    const files = parent ? this.files(this.commitObject(parent)?.tree ?? "") : new Map<string, { mode: string; sha: string }>();
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) files.delete(path);
      else files.set(path, { mode: files.get(path)?.mode ?? "100644", sha: this.blob(content) });
    }
    const sha = this.commit({ tree: this.buildTree(files), parents: parent ? [parent] : [], message });
    this.refs.set(`refs/heads/${branch}`, sha);
    return sha;
  }

  /** Commits reachable from `sha`, newest first (by committer date, then discovery). */
  history(sha: string): string[] {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length) {
      const next = queue.shift() ?? "";
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.commitObject(next)?.parents ?? []));
    }
    return [...seen].sort((a, b) => Date.parse(this.commitObject(b)?.committer.date ?? "") - Date.parse(this.commitObject(a)?.committer.date ?? ""));
  }

  isAncestor(ancestor: string, of: string): boolean {
    return this.history(of).includes(ancestor);
  }

  /**
   * Files of merging `head` into `base`, three-way per file from their merge base; null when both
   * sides changed one file differently (a conflict). Per file, not per line: enough for a test double
   * of GitHub's `mergeable`, which says only whether the merge is clean.
   */
  mergeFiles(base: string, head: string): Map<string, { mode: string; sha: string }> | null {
    const ofHead = new Set(this.history(head));
    const mergeBase = this.history(base).find((sha) => ofHead.has(sha));
    const filesOf = (sha: string | undefined) => (sha ? this.files(this.commitObject(sha)?.tree ?? "") : new Map<string, { mode: string; sha: string }>());
    const [b, t, s] = [filesOf(mergeBase), filesOf(base), filesOf(head)];
    const out = new Map<string, { mode: string; sha: string }>();
    const same = (x?: { mode: string; sha: string }, y?: { mode: string; sha: string }) => x?.sha === y?.sha && x?.mode === y?.mode;
    for (const path of new Set([...b.keys(), ...t.keys(), ...s.keys()])) {
      const [bf, tf, sf] = [b.get(path), t.get(path), s.get(path)];
      const pick = same(tf, sf) || same(sf, bf) ? tf : same(tf, bf) ? sf : null;
      if (pick === null) return null;
      if (pick) out.set(path, pick);
    }
    return out;
  }

  private store(object: GitObject, body: Buffer): string {
    const sha = createHash("sha1").update(`${object.type} ${body.length}\0`).update(body).digest("hex");
    this.objects.set(sha, object);
    this.encoded.set(sha, { type: object.type, body });
    return sha;
  }
}

/** Git sorts tree entries by name, comparing a folder's name as if it ended in "/". */
function compareTreeNames(a: TreeRecord, b: TreeRecord): number {
  const key = (e: TreeRecord) => Buffer.from(e.mode === "40000" ? `${e.name}/` : e.name);
  return Buffer.compare(key(a), key(b));
}
