import { lstat, readdir, readFile } from "node:fs/promises";
import type { FileTree, RepoError } from "../gitops/model";
import { describeSkippedFiles, SKIP_REASON, withSkippedFiles, type SkippedFiles } from "../gitops/read/skipped-files";

export const MAX_READ_BYTES = 10 * 1024 * 1024;
const SKIP_DIRS = new Set([".git", "node_modules"]);

export interface LoadedTree {
  tree: FileTree;
  /** Files left out of `tree`, with file and reason (also attached to `tree` for the reader). */
  skipped: SkippedFiles;
  /** What to report about `skipped`: one error per file that matters ... */
  errors: RepoError[];
  /** ... and one note summing up binary files that are not manifests (images, packaged charts). */
  notes: string[];
}

// ignoreBOM keeps a byte order mark in the text, as readFile(…, "utf8") did: a promotion rewrites files byte for byte.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** `bytes` as UTF-8, or undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * A readable name for bytes that may not be UTF-8: valid sequences as text, every other byte as
 * `\xNN` (and a literal backslash as `\\`, so an escaped name cannot pass for a real one).
 */
export function escapeBytes(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const len = sequenceLength(bytes[i]!);
    const text = len > 0 && i + len <= bytes.length ? decodeUtf8(bytes.subarray(i, i + len)) : undefined;
    if (text !== undefined) {
      out += text === "\\" ? "\\\\" : text;
      i += len;
    } else {
      out += `\\x${bytes[i]!.toString(16).padStart(2, "0")}`;
      i += 1;
    }
  }
  return out;
}

const SLASH = Buffer.from("/");

/**
 * Read a checkout into a FileTree. Names are read as bytes, so a name that is not UTF-8 is reported
 * (escaped) instead of turning into U+FFFD and failing to open. Symlinks are never followed (a link
 * could point outside the repo); they, oversized files and content that is not UTF-8 are reported
 * instead of read, never silently dropped or mangled.
 */
export async function loadTree(root: string): Promise<LoadedTree> {
  const tree = new Map<string, string>();
  const skipped = new Map<string, string>();
  const walk = async (dir: Buffer, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true, encoding: "buffer" });
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const entry of entries) {
      const decoded = decodeUtf8(entry.name);
      const name = decoded ?? escapeBytes(entry.name);
      const relPath = rel ? `${rel}/${name}` : name;
      const full = Buffer.concat([dir, SLASH, entry.name]);
      if (entry.isSymbolicLink()) {
        skipped.set(relPath, SKIP_REASON.symlink);
      } else if (entry.isDirectory()) {
        if (SKIP_DIRS.has(name)) continue;
        if (decoded === undefined) skipped.set(relPath, SKIP_REASON.badFolderName);
        else await walk(full, relPath);
      } else if (entry.isFile()) {
        if (decoded === undefined) {
          skipped.set(relPath, SKIP_REASON.badName);
          continue;
        }
        const stat = await lstat(full);
        if (stat.size > MAX_READ_BYTES) {
          skipped.set(relPath, SKIP_REASON.tooLarge(MAX_READ_BYTES, stat.size));
          continue;
        }
        const bytes = await readFile(full);
        // NUL bytes mean binary even when they decode (and the portal's cache cannot store them either).
        const text = bytes.includes(0) ? undefined : decodeUtf8(bytes);
        if (text === undefined) skipped.set(relPath, bytes.includes(0) ? SKIP_REASON.binary : SKIP_REASON.notUtf8);
        else tree.set(relPath, text);
      }
    }
  };
  await walk(Buffer.from(root), "");
  const { errors, notes } = describeSkippedFiles(skipped);
  return { tree: withSkippedFiles(tree, skipped), skipped, errors, notes };
}
