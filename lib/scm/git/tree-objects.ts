import type { TreeEntry } from "../types";
import type { GitObjectReader } from "./object-reader";

interface RawEntry {
  mode: string;
  name: string;
  oid: string;
}

const TREE_MODE = "40000";
const GITLINK_MODE = "160000";

/** A tree object's entries: `<mode> SP <name> NUL <binary id>`, in git's own order. */
export function parseTreeObject(body: Buffer, idBytes: number): RawEntry[] {
  const entries: RawEntry[] = [];
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    const nul = body.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + idBytes > body.length) throw new Error("Malformed tree object");
    // Names are bytes; like `git ls-tree` read as UTF-8, a name that is not valid UTF-8 gets U+FFFD (reported by the loader).
    entries.push({ mode: body.toString("latin1", pos, space), name: body.toString("utf8", space + 1, nul), oid: body.toString("hex", nul + 1, nul + 1 + idBytes) });
    pos = nul + 1 + idBytes;
  }
  return entries;
}

/**
 * Every blob of a commit's tree, recursively, as `git ls-tree -r -l --full-tree` lists them (same
 * order, modes and sizes; submodules left out), read through the repository's object reader: one
 * request per tree level, one for the blob sizes. Null when `commitish` names no tree.
 */
export async function readTreeObjects(reader: GitObjectReader, commitish: string): Promise<TreeEntry[] | null> {
  const [root] = await reader.contents([`${commitish}^{tree}`]);
  if (!root || root.missing || root.type !== "tree" || !root.body) return null;
  const idBytes = root.oid.length / 2;
  const trees = new Map<string, RawEntry[]>([[root.oid, parseTreeObject(root.body, idBytes)]]);
  for (let level = [root.oid]; level.length; ) {
    const below = [...new Set(level.flatMap((oid) => trees.get(oid)!.filter((e) => e.mode === TREE_MODE && !trees.has(e.oid)).map((e) => e.oid)))];
    const answers = await reader.contents(below);
    for (const [i, answer] of answers.entries()) {
      if (answer.missing || answer.type !== "tree" || !answer.body) throw new Error(`tree ${below[i]} is missing from the repository`);
      trees.set(below[i]!, parseTreeObject(answer.body, idBytes));
    }
    level = below;
  }
  const blobs: { path: string; oid: string; mode: string }[] = [];
  const walk = (oid: string, prefix: string): void => {
    for (const e of trees.get(oid)!) {
      if (e.mode === TREE_MODE) walk(e.oid, `${prefix}${e.name}/`);
      else if (e.mode !== GITLINK_MODE) blobs.push({ path: prefix + e.name, oid: e.oid, mode: e.mode });
    }
  };
  walk(root.oid, "");
  const unique = [...new Set(blobs.map((b) => b.oid))];
  const sizes = new Map<string, number>();
  for (const [i, answer] of (await reader.info(unique)).entries()) if (!answer.missing) sizes.set(unique[i]!, answer.size);
  return blobs.map((b) => {
    const size = sizes.get(b.oid);
    return { path: b.path, blobSha: b.oid, mode: b.mode, ...(size !== undefined ? { size } : {}) };
  });
}

/** The parents of a commit object, from its header; null when `oid` is not a commit. */
export async function commitParents(reader: GitObjectReader, oid: string): Promise<string[] | null> {
  const [answer] = await reader.contents([oid]);
  if (!answer || answer.missing || answer.type !== "commit" || !answer.body) return null;
  const header = answer.body.toString("utf8", 0, Math.max(0, answer.body.indexOf("\n\n")));
  return header
    .split("\n")
    .filter((line) => line.startsWith("parent "))
    .map((line) => line.slice("parent ".length).trim());
}
