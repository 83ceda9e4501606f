import type { Prisma } from "@/lib/db/generated/client";
import type { FileTree } from "@/lib/gitops/model";
import { createParseCache, type ParseCache } from "@/lib/gitops/read";
import { SKIP_REASON, withSkippedFiles } from "@/lib/gitops/read/skipped-files";
import type { ScmRepository, TreeEntry } from "@/lib/scm/types";

/** Files larger than this are not cached or read: GitOps config is small, blobs this size are not config. */
export const MAX_CACHED_BLOB_BYTES = 2 * 1024 * 1024;

// Process-wide caches keyed by git blob SHA, which never changes meaning: a blob is its content.
// They make a re-sync after a one-file commit touch one blob, not the whole repository.
const contentBySha = new Map<string, string>();
const parseCache: ParseCache = createParseCache();

/** Shared with readers of the cache (previews), so they reuse parsed YAML from the last sync. */
export function sharedParseCache(): ParseCache {
  return parseCache;
}

/** Contents of `shas` from memory or the Blob table (never from a forge); missing SHAs are absent. */
export async function cachedContents(db: Pick<Prisma.TransactionClient, "blob">, shas: readonly string[]): Promise<Map<string, string>> {
  const missing = [...new Set(shas.filter((sha) => !contentBySha.has(sha)))];
  if (missing.length) {
    const stored = await db.blob.findMany({ where: { sha: { in: missing } }, select: { sha: true, content: true } });
    for (const blob of stored) contentBySha.set(blob.sha, blob.content);
  }
  const out = new Map<string, string>();
  for (const sha of shas) {
    const content = contentBySha.get(sha);
    if (content !== undefined) out.set(sha, content);
  }
  return out;
}

export interface LoadedTree {
  /** The readable files; what was left out is attached for the reader (see skippedFilesOf). */
  files: FileTree;
  /** Files of the commit left out of `files`, with the reason (symlink, too large, not UTF-8 text). */
  skipped: Map<string, string>;
  parseCache: ParseCache;
  fetchedFromForge: number;
}

/**
 * Builds the file tree for `entries`: content comes from memory, then the Blob table, and only
 * blobs never seen before are fetched from the forge (and stored for the next process).
 */
export async function loadFileTree(tx: Prisma.TransactionClient, scm: ScmRepository, entries: readonly TreeEntry[]): Promise<LoadedTree> {
  // A symlink's blob is its target path, not content: following it could read outside the
  // repository, and reading it as YAML would be wrong, so links (and submodules) are left out.
  const skipped = new Map<string, string>();
  const wanted = entries.filter((e) => {
    if (e.path.includes("\uFFFD")) skipped.set(e.path, SKIP_REASON.badNameReplaced);
    else if (e.mode === "120000") skipped.set(e.path, SKIP_REASON.symlink);
    else if (e.mode === "160000") skipped.set(e.path, SKIP_REASON.submodule);
    else if (e.size !== undefined && e.size > MAX_CACHED_BLOB_BYTES) skipped.set(e.path, SKIP_REASON.tooLarge(MAX_CACHED_BLOB_BYTES, e.size));
    else return true;
    return false;
  });
  const known = await cachedContents(tx, wanted.map((e) => e.blobSha));
  const fromForge = [...new Set(wanted.map((e) => e.blobSha).filter((sha) => !known.has(sha)))];
  if (fromForge.length) {
    const fetched = await scm.readBlobs(fromForge);
    const rows: { sha: string; size: number; content: string }[] = [];
    for (const [sha, content] of fetched) {
      contentBySha.set(sha, content);
      rows.push({ sha, size: Buffer.byteLength(content), content });
    }
    // Postgres text cannot hold NUL; binary blobs are not config and are left out of the cache.
    const storable = rows.filter((r) => !r.content.includes("\u0000"));
    // One statement with array parameters: thousands of rows on a first sync cost one round trip.
    if (storable.length) {
      await tx.$executeRaw`INSERT INTO "Blob" ("sha", "size", "content")
        SELECT * FROM unnest(${storable.map((r) => r.sha)}::text[], ${storable.map((r) => r.size)}::int[], ${storable.map((r) => r.content)}::text[])
        ON CONFLICT ("sha") DO NOTHING`;
    }
  }

  const files = new Map<string, string>();
  for (const entry of wanted) {
    const content = contentBySha.get(entry.blobSha);
    // readBlobs leaves out binary and non-UTF-8 blobs; text with NUL bytes cannot be stored either.
    if (content === undefined) skipped.set(entry.path, SKIP_REASON.notText);
    else if (content.includes("\u0000")) skipped.set(entry.path, SKIP_REASON.binary);
    else files.set(entry.path, content);
  }
  return { files: withSkippedFiles(files, skipped), skipped, parseCache, fetchedFromForge: fromForge.length };
}
