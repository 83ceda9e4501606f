import { createHash } from "node:crypto";
import { stableStringify } from "@/lib/sync/stable-json";

/**
 * What a reviewer saw of a change: its branch head and a digest of the stored plan (diff, fields,
 * files). The change page sends it with Merge, and a merge is refused when either moved since:
 * promoting again rewrites the branch in place, so the id alone would merge whatever it holds now.
 */
export interface ReviewedVersion {
  /** The head commit shown, or "" when the row had none yet. */
  headSha: string;
  planDigest: string;
}

export function reviewedVersion(row: { headSha: string | null; changeSet: unknown }): ReviewedVersion {
  return { headSha: row.headSha ?? "", planDigest: createHash("sha256").update(stableStringify(row.changeSet)).digest("hex") };
}

/** null when `seen` is what the row holds now; otherwise the refusal, saying what moved. */
export function changedSinceReview(row: { headSha: string | null; changeSet: unknown }, seen: ReviewedVersion): string | null {
  const now = reviewedVersion(row);
  if (now.headSha === seen.headSha && now.planDigest === seen.planDigest) return null;
  const moved =
    now.headSha !== seen.headSha
      ? `you saw commit ${seen.headSha.slice(0, 10) || "(none)"}, its branch is now at ${now.headSha.slice(0, 10) || "(unknown)"}`
      : "its planned files changed since you opened it";
  return `The change was updated after you opened it: review it again (${moved}). Nothing was merged.`;
}
