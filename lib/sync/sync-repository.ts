import type { PrismaClient } from "@/lib/db/generated/client";
import { KustomizeBuildCache, readRepository } from "@/lib/gitops/read";
import { describeSkippedFiles } from "@/lib/gitops/read/skipped-files";
import { SpanStatusCode } from "@opentelemetry/api";
import { annotateSpan, withSpan } from "@/lib/observability/trace";
import type { ScmRepository } from "@/lib/scm/types";
import { loadFileTree } from "./load-file-tree";
import { emptyBranchNotice, rewrittenBranchNotice } from "./branch-notices";
import { rememberRepository } from "./cached-repository";
import { repositoryReadOptions } from "./read-options";
import { storeModel, type StoredCells } from "./store-model";
import { changedPaths, diffTrees } from "./tree-diff";
import { log } from "@/lib/observability/log";

/** Advisory-lock namespace for repository syncs ("FRRY"); the second key is the repository id. */
export const SYNC_LOCK_NAMESPACE = 0x46525259 & 0x7fffffff;
/** The longest one sync's transaction, and so its hold on the lock, may last. */
export const SYNC_TIMEOUT_MS = 300_000;

// What this process last wrote per repository (see storeModel): lets the next sync of a one-file
// commit compare cells in memory instead of reading every row back.
const storedCells = new Map<number, StoredCells>();
// Kustomize builds of the last read of each repository: a one-file commit rebuilds only the overlays it touches.
const buildCaches = new Map<number, KustomizeBuildCache>();
// The file rows (path → blob SHA) this process last wrote, valid at that head: saves reading them back.
const storedFiles = new Map<number, { headSha: string; files: Map<string, string> }>();

export interface SyncResult {
  repository: string;
  status: "synced" | "unchanged" | "locked" | "archived" | "error";
  headSha: string | null;
  durationMs: number;
  changedFiles: number;
  error?: string;
}

export interface SyncOptions {
  /** Re-read and re-index even when the head commit did not move. */
  force?: boolean;
}

/**
 * Brings one repository's cache up to its branch head: tree → blobs for new SHAs only → model →
 * rows. Runs inside one transaction holding a transaction-scoped advisory lock, so two portal
 * processes never sync the same repository at once and readers never see half a model.
 */
export async function syncRepository(
  prisma: PrismaClient,
  repositoryId: number,
  scm: ScmRepository,
  options: SyncOptions = {},
): Promise<SyncResult> {
  return withSpan("ferry.repository.sync", { "ferry.repository.id": repositoryId, "ferry.sync.forced": options.force === true }, async (span) => {
    const result = await syncRepositoryUntraced(prisma, repositoryId, scm, options);
    span.setAttributes({ "ferry.sync.status": result.status, "ferry.sync.changed_files": result.changedFiles });
    // A failed sync is answered, not thrown: the span says so itself.
    if (result.status === "error") span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
    return result;
  });
}

async function syncRepositoryUntraced(prisma: PrismaClient, repositoryId: number, scm: ScmRepository, options: SyncOptions): Promise<SyncResult> {
  const started = performance.now();
  // FERRY_SYNC_PROFILE=1 logs where a sync spends its time, phase by phase.
  const profile = process.env.FERRY_SYNC_PROFILE === "1" ? new Map<string, number>() : null;
  let mark = started;
  const phase = (name: string) => {
    if (!profile) return;
    const now = performance.now();
    profile.set(name, Math.round(now - mark));
    mark = now;
  };
  const repo = await prisma.repository.findUniqueOrThrow({ where: { id: repositoryId } });
  annotateSpan({ "ferry.repository": repo.name, "ferry.repository.provider": repo.provider });
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const result = await prisma.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${SYNC_LOCK_NAMESPACE}::int, ${repositoryId}::int) AS locked`;
        if (!lock?.locked) return { status: "locked" as const, headSha: repo.headSha, changedFiles: 0 };
        // Retired while this sync waited to start (see retire-repositories.ts): its model must not come back.
        const { archivedAt } = await tx.repository.findUniqueOrThrow({ where: { id: repositoryId }, select: { archivedAt: true } });
        if (archivedAt) return { status: "archived" as const, headSha: null, changedFiles: 0 };

        phase("lock");
        const headSha = await scm.resolveRef(repo.defaultBranch);
        phase("resolve-ref");
        if (headSha === repo.headSha && !options.force && !repo.syncError) {
          await tx.repository.update({ where: { id: repositoryId }, data: { lastSyncAt: new Date(), lastSyncMs: elapsed() } });
          return { status: "unchanged" as const, headSha, changedFiles: 0 };
        }

        // A previous head that is no longer an ancestor: the branch was force-pushed. Nothing from the
        // last sync is trusted then (the files are compared anyway; every cell's last commit is looked up again).
        // Asked alongside the tree (two git processes at once): the check must not add to every sync's time.
        const [rewritten, entries] = await Promise.all([
          repo.headSha !== null && repo.headSha !== headSha && scm.isAncestor ? scm.isAncestor(repo.headSha, headSha).then((a) => !a, () => true) : Promise.resolve(false),
          scm.readTree(headSha),
        ]);
        phase("read-tree");
        const known = storedFiles.get(repositoryId);
        const before =
          known && known.headSha === repo.headSha && !options.force && !rewritten
            ? known.files
            : new Map((await tx.repositoryFile.findMany({ where: { repositoryId }, select: { path: true, blobSha: true } })).map((f) => [f.path, f.blobSha]));
        const after = new Map(entries.map((e) => [e.path, e.blobSha]));
        const diff = diffTrees(before, after);
        const changed = changedPaths(diff);

        phase("previous-files");
        const tree = await loadFileTree(tx, scm, entries);
        phase("blobs");
        let buildCache = buildCaches.get(repositoryId);
        if (!buildCache) buildCaches.set(repositoryId, (buildCache = new KustomizeBuildCache()));
        const model = readRepository(tree.files, { ...repositoryReadOptions(scm), parseCache: tree.parseCache, contentKey: (path) => after.get(path), buildCache });
        // What the tree loader left out (symlinks, files over the limit, not UTF-8) is reported, never dropped silently.
        const skipped = describeSkippedFiles(tree.skipped);
        model.errors.unshift(...skipped.errors);
        model.notes.unshift(...skipped.notes);
        if (entries.length === 0) model.notes.unshift(emptyBranchNotice(repo.defaultBranch, headSha));
        if (rewritten && repo.headSha) model.notes.unshift(rewrittenBranchNotice(repo.defaultBranch, repo.headSha, headSha));
        phase("read-model");

        // Only cells whose files changed need a fresh "last changed by" lookup; a first sync (or one
        // after a force-push, whose old commits are gone from the history) needs all.
        const firstSync = before.size === 0 || options.force === true || rewritten;
        const remembered = storedCells.get(repositoryId);
        const current = !firstSync && remembered?.headSha === repo.headSha ? remembered : null;
        const stored = await storeModel(tx, { repositoryId, headSha, model, scm, changed: firstSync ? null : changed, previous: current });

        phase("store-model");
        if (diff.removed.length) await tx.repositoryFile.deleteMany({ where: { repositoryId, path: { in: diff.removed } } });
        for (const path of diff.modified) {
          await tx.repositoryFile.update({ where: { repositoryId_path: { repositoryId, path } }, data: { blobSha: after.get(path)! } });
        }
        if (diff.added.length) {
          await tx.$executeRaw`INSERT INTO "RepositoryFile" ("repositoryId", "path", "blobSha")
            SELECT ${repositoryId}, * FROM unnest(${diff.added}::text[], ${diff.added.map((path) => after.get(path)!)}::text[])`;
        }

        phase("files");
        await tx.repository.update({
          where: { id: repositoryId },
          data: {
            headSha,
            convention: model.conventions,
            lastSyncAt: new Date(),
            lastSyncMs: elapsed(),
            syncError: null,
            readErrors: model.errors.length ? (model.errors as object[]) : [],
            readNotes: model.notes,
          },
        });
        return { status: "synced" as const, headSha, changedFiles: changed.length, stored, tree: tree.files, model, files: after };
      },
      { timeout: SYNC_TIMEOUT_MS, maxWait: 15_000 },
    );
    if (profile) log("info", "sync profile", { repository: repo.name, status: result.status, phases_ms: Object.fromEntries(profile) });
    if (result.status === "synced") {
      // Only now, with the transaction committed, do the rows match what we remember.
      storedCells.set(repositoryId, result.stored);
      storedFiles.set(repositoryId, { headSha: result.headSha, files: result.files });
      rememberRepository({ id: repositoryId, name: repo.name, headSha: result.headSha, tree: result.tree, model: result.model, readOptions: repositoryReadOptions(scm) });
      return { repository: repo.name, status: "synced", headSha: result.headSha, changedFiles: result.changedFiles, durationMs: elapsed() };
    }
    return { repository: repo.name, ...result, durationMs: elapsed() };
  } catch (error) {
    storedCells.delete(repositoryId);
    storedFiles.delete(repositoryId);
    buildCaches.delete(repositoryId);
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    await prisma.repository.update({
      where: { id: repositoryId },
      data: { syncError: message, lastSyncAt: new Date(), lastSyncMs: elapsed() },
    });
    return { repository: repo.name, status: "error", headSha: repo.headSha, durationMs: elapsed(), changedFiles: 0, error: message };
  }
}
