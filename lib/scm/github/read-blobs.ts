import { InvalidInputError, RefNotFoundError } from "../errors";
import { statusOf } from "./auth";
import { fail, mapLimit, OBJECT_ID, type GitHubContext } from "./context";
import type { WireBlob } from "./wire";

const CONCURRENCY = 8;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Contents of exactly the blobs asked for, `git/blobs/{sha}` each, at most 8 in flight (GitHub's
 * REST API has no batch blob read; the sync asks only for blobs it has never stored).
 * Binary blobs are left out, like the git provider does.
 */
export async function readBlobs(ctx: GitHubContext, shas: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(shas)];
  for (const sha of unique) if (!OBJECT_ID.test(sha)) throw new InvalidInputError(ctx.name, `"${sha}" is not a full git object id.`);
  const texts = new Map<string, string>();
  await mapLimit(unique, CONCURRENCY, async (sha) => {
    const text = decodeBlob(await getBlob(ctx, sha));
    if (text !== null) texts.set(sha, text);
  });
  return texts;
}

async function getBlob(ctx: GitHubContext, sha: string): Promise<WireBlob> {
  const { octokit, owner, repo } = ctx;
  try {
    return (await octokit.rest.git.getBlob({ owner, repo, file_sha: sha })).data;
  } catch (error) {
    if (statusOf(error) === 422 || statusOf(error) === 409) throw new RefNotFoundError(ctx.name, sha, { cause: error });
    throw fail(ctx, error, `read blob ${sha.slice(0, 8)}`, sha);
  }
}

/** UTF-8 text of a blob, or null when it is binary (a NUL in the first 8000 bytes, git's heuristic, or invalid UTF-8). */
export function decodeBlob(blob: Pick<WireBlob, "content" | "encoding">): string | null {
  const bytes = blob.encoding === "base64" ? Buffer.from(blob.content, "base64") : Buffer.from(blob.content, "utf8");
  if (bytes.subarray(0, 8000).includes(0)) return null;
  try {
    // ignoreBOM keeps a leading BOM: content must round-trip byte for byte when written back.
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
