import type { ScmRepository } from "@/lib/scm/types";

// Whether a revision a cluster applied contains a change's merge commit, read from the repository's git
// history. Ancestry never changes once both commits are known, so a "yes" is kept for the life of the
// process; a "no" only briefly, since the mirror may not have fetched the cluster's newer revision yet.

const FULL_SHA = /^[0-9a-f]{40}$/i;
const NO_TTL_MS = 30_000;
/** How far back from the applied revision a provider without merge-base looks for the merge commit. */
const LOG_DEPTH = 500;
const MAX_KNOWN = 20_000;

const known = new Map<string, { descends: boolean; until: number }>();
const pending = new Map<string, Promise<boolean | undefined>>();

/** A matrix of many cells asks about many pairs at once; each is a git process or a forge request. */
const MAX_CONCURRENT = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function ask(repo: ScmRepository, mergeSha: string, revision: string): Promise<boolean> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    if (repo.isAncestor) return await repo.isAncestor(mergeSha, revision);
    const commits = await repo.log({ ref: revision, limit: LOG_DEPTH });
    return commits.some((c) => c.sha === mergeSha);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Whether `revision` is `mergeSha` or a descendant of it; undefined when it cannot be told (an
 * abbreviated sha, a repository that does not answer): the caller then claims nothing.
 */
export async function descendsFrom(repo: ScmRepository, mergeSha: string, revision: string, now: () => number = Date.now): Promise<boolean | undefined> {
  if (mergeSha.toLowerCase() === revision.toLowerCase()) return true;
  if (!FULL_SHA.test(mergeSha) || !FULL_SHA.test(revision)) return undefined;
  const key = `${repo.name}\u0000${mergeSha}\u0000${revision}`;
  const hit = known.get(key);
  if (hit && (hit.descends || hit.until > now())) return hit.descends;
  let asking = pending.get(key);
  if (!asking) {
    asking = ask(repo, mergeSha, revision)
      .then((descends) => {
        // Each poll asks about the same few pairs; a long-running process must not keep every one.
        if (known.size >= MAX_KNOWN) known.clear();
        known.set(key, { descends, until: now() + NO_TTL_MS });
        return descends;
      })
      .catch(() => undefined)
      .finally(() => pending.delete(key));
    pending.set(key, asking);
  }
  return asking;
}
