import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InvalidInputError } from "../errors";
import type { FileChange, GitIdentity } from "../types";
import { commitTree } from "./commit-tree";
import { runGit } from "./run-git";
import { assertWritablePath } from "./write-arguments";

export interface CommitChangesInput {
  /** Full sha of an existing commit: the new commit's only parent. */
  baseSha: string;
  changes: readonly FileChange[];
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  timeoutMs?: number;
  /** A partial clone lacks the blobs of files nobody read: write-tree must not insist on having them. */
  partialClone?: boolean;
}

/** Refuses change lists that are empty, name a path twice, or write a file and a folder of the same name. */
export function assertChangeList(repository: string, changes: readonly FileChange[]): void {
  if (changes.length === 0) throw new InvalidInputError(repository, "A commit needs at least one file change.");
  const seen = new Set<string>();
  for (const change of changes) {
    assertWritablePath(repository, change.path);
    if (seen.has(change.path)) throw new InvalidInputError(repository, `The path "${change.path}" is changed twice in one commit.`);
    seen.add(change.path);
  }
  for (const change of changes) {
    if ("delete" in change) continue;
    for (let slash = change.path.indexOf("/"); slash >= 0; slash = change.path.indexOf("/", slash + 1)) {
      const folder = change.path.slice(0, slash);
      const clash = changes.find((c) => c.path === folder && !("delete" in c));
      if (clash) throw new InvalidInputError(repository, `"${folder}" cannot be both a file and the folder of "${change.path}".`);
    }
  }
}

/**
 * Builds one commit on top of `baseSha` without a working tree: a private index in a temp directory
 * is loaded from the base tree, the changed blobs are written as objects and swapped in, and the
 * tree is written from that index. Nothing a user can see (working tree, real index, refs) changes,
 * so this is safe on a repository someone is working in. Returns the new commit's sha.
 */
export async function commitChanges(repository: string, gitDir: string, input: CommitChangesInput): Promise<string> {
  assertChangeList(repository, input.changes);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "ferry-commit-"));
  try {
    const env = { GIT_INDEX_FILE: path.join(tmp, "index") };
    await runGit(["read-tree", input.baseSha], { gitDir, env, timeoutMs: input.timeoutMs });

    const writes = input.changes.filter((c): c is Extract<FileChange, { content: string | Uint8Array }> => !("delete" in c));
    const blobShas = await writeBlobs(gitDir, tmp, writes.map((w) => w.content), input.timeoutMs);
    const modes = await currentModes(gitDir, env, writes.map((w) => w.path), input.timeoutMs);

    const zero = "0".repeat(input.baseSha.length);
    const records: string[] = [];
    writes.forEach((w, i) => {
      const existing = modes.get(w.path);
      if (existing === "120000" || existing === "160000") {
        throw new InvalidInputError(repository, `"${w.path}" is a ${existing === "120000" ? "symbolic link" : "submodule"}, not a file Ferry can write.`);
      }
      records.push(`${existing ?? "100644"} ${blobShas[i]}\t${w.path}\0`);
    });
    for (const c of input.changes) if ("delete" in c) records.push(`0 ${zero}\t${c.path}\0`);
    await runGit(["update-index", "-z", "--index-info"], { gitDir, env, input: records.join(""), timeoutMs: input.timeoutMs });

    // --index-info silently replaces a file by a folder of the same name (and back): make sure the
    // commit touches exactly the requested paths and nothing the caller did not ask to remove.
    const touched = (await runGit(["diff-index", "--cached", "--no-renames", "--name-only", "-z", input.baseSha], { gitDir, env, timeoutMs: input.timeoutMs }))
      .split("\0")
      .filter(Boolean);
    const requested = new Set(input.changes.map((c) => c.path));
    const unexpected = touched.filter((p) => !requested.has(p));
    if (unexpected.length > 0) {
      throw new InvalidInputError(repository, `The changes would also remove ${unexpected.map((p) => `"${p}"`).join(", ")} (a file and a folder share a name).`);
    }

    const tree = (await runGit(["write-tree", ...(input.partialClone ? ["--missing-ok"] : [])], { gitDir, env, timeoutMs: input.timeoutMs })).trim();
    return await commitTree(gitDir, { tree, parents: [input.baseSha], message: input.message, author: input.author, committer: input.committer, timeoutMs: input.timeoutMs });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Writes contents as blob objects with ONE git process. `--no-filters`: the bytes are stored as given,
 * whatever core.autocrlf or .gitattributes say (a CRLF file stays CRLF, a BOM stays).
 */
async function writeBlobs(gitDir: string, tmp: string, contents: ReadonlyArray<string | Uint8Array>, timeoutMs?: number): Promise<string[]> {
  if (contents.length === 0) return [];
  const files = await Promise.all(
    contents.map(async (content, i) => {
      const file = path.join(tmp, `blob-${i}`);
      await fs.writeFile(file, content);
      return file;
    }),
  );
  const out = await runGit(["hash-object", "-w", "--no-filters", "--stdin-paths"], { gitDir, input: files.map((f) => `${f}\n`).join(""), timeoutMs });
  const shas = out.split("\n").filter(Boolean);
  if (shas.length !== contents.length) throw new Error(`hash-object returned ${shas.length} ids for ${contents.length} files`);
  return shas;
}

/** Mode of each path that is already in the index (so an executable stays executable). */
async function currentModes(gitDir: string, env: Record<string, string>, paths: string[], timeoutMs?: number): Promise<Map<string, string>> {
  const modes = new Map<string, string>();
  if (paths.length === 0) return modes;
  const out = await runGit(["--literal-pathspecs", "ls-files", "--stage", "-z", "--", ...paths], { gitDir, env, timeoutMs });
  const wanted = new Set(paths);
  for (const record of out.split("\0")) {
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const file = record.slice(tab + 1);
    // A pathspec also matches files below a folder of that name: keep exact matches only.
    if (wanted.has(file)) modes.set(file, record.slice(0, record.indexOf(" ")));
  }
  return modes;
}
