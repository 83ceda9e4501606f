import { createHash } from "node:crypto";

// Git's object encoding, for the forge test servers: an object's id is the SHA-1 of
// "<type> <size>\0<body>", so a model that encodes its trees and commits this way hands out the
// same ids a real git server would, and the objects can be served to a real git client.

export type GitObjectType = "blob" | "tree" | "commit";

export interface EncodedObject {
  type: GitObjectType;
  body: Buffer;
}

export interface TreeItem {
  name: string;
  /** "100644", "100755", "120000", "160000" or "40000" (a folder). */
  mode: string;
  sha: string;
}

export interface Signature {
  name: string;
  email: string;
  /** Any date Date.parse reads; git keeps whole seconds. */
  date: string;
}

export function objectId(type: GitObjectType, body: Buffer): string {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest("hex");
}

/** A tree's body, its entries in git's order (a folder's name compares as if it ended in "/"). */
export function encodeTree(items: readonly TreeItem[]): Buffer {
  const key = (e: TreeItem) => Buffer.from(e.mode === "40000" ? `${e.name}/` : e.name);
  const sorted = [...items].sort((a, b) => Buffer.compare(key(a), key(b)));
  return Buffer.concat(sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.sha, "hex")])));
}

export function encodeCommit(input: { tree: string; parents: readonly string[]; author: Signature; committer: Signature; message: string }): Buffer {
  const stamp = (p: Signature) => `${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000`;
  const lines = [`tree ${input.tree}`, ...input.parents.map((p) => `parent ${p}`), `author ${stamp(input.author)}`, `committer ${stamp(input.committer)}`, "", input.message];
  return Buffer.from(lines.join("\n"));
}

/**
 * The trees of a flat file map (path → mode and blob id), each passed to `store`; returns the root
 * tree's id. Folders are implied by the paths, as in git.
 */
export function treeOfFiles(files: ReadonlyMap<string, { mode: string; sha: string }>, store: (object: EncodedObject) => string): string {
  type Folder = Map<string, Folder | { mode: string; sha: string }>;
  const root: Folder = new Map();
  for (const [path, file] of files) {
    const parts = path.split("/");
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      let next = folder.get(part);
      if (!(next instanceof Map)) folder.set(part, (next = new Map()));
      folder = next;
    }
    folder.set(parts[parts.length - 1] ?? "", file);
  }
  const write = (folder: Folder): string =>
    store({
      type: "tree",
      body: encodeTree([...folder].map(([name, value]) => (value instanceof Map ? { name, mode: "40000", sha: write(value) } : { name, ...value }))),
    });
  return write(root);
}
