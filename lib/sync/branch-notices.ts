// What a sync says about the branch itself rather than its files: it is empty, or it was rewritten
// (force-push) since the last sync. Stored with the read notes (Repository.readNotes) under a fixed
// prefix, so the Repositories page and /api/health can show them apart from the reader's notes.

const PREFIX = "branch ";

const short = (sha: string) => sha.slice(0, 12);

export function emptyBranchNotice(branch: string, headSha: string): string {
  return `${PREFIX}${branch} has no files at ${short(headSha)} (empty branch): nothing to read, so the cache holds no apps from it`;
}

export function rewrittenBranchNotice(branch: string, previousSha: string, headSha: string): string {
  return `${PREFIX}${branch} was rewritten (force-push): ${short(previousSha)} is no longer in its history; re-read from ${short(headSha)}`;
}

/** The branch notices among a repository's read notes. */
export function branchNotices(readNotes: readonly string[]): string[] {
  return readNotes.filter((n) => n.startsWith(PREFIX) && (n.includes(" (empty branch)") || n.includes(" was rewritten (force-push)")));
}

/** The read notes that are not branch notices. */
export function otherNotes(readNotes: readonly string[]): string[] {
  const branch = new Set(branchNotices(readNotes));
  return readNotes.filter((n) => !branch.has(n));
}
