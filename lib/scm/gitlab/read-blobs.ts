import { ForgeUnavailableError } from "../errors";
import { mapLimit } from "./client";
import type { GitLabContext } from "./context";
import { short } from "./context";
import type { WireBlob } from "./wire";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Blob sha → text for exactly the blobs asked, a bounded number of requests in flight (GitLab's REST
 * API has no batch read). The JSON blob endpoint is used rather than `/raw`: it carries the exact
 * bytes (base64), where a text/plain body decoded by fetch would lose a leading BOM and turn invalid
 * UTF-8 into U+FFFD, so binary files could not be told apart. Binary blobs are left out.
 */
export async function readBlobs(ctx: GitLabContext, shas: readonly string[], concurrency: number): Promise<Map<string, string>> {
  const unique = [...new Set(shas)];
  const texts = new Map<string, string>();
  const blobs = await mapLimit(unique, concurrency, async (sha) => {
    const blob = (await ctx.client.call({ action: `read blob ${short(sha)}`, ref: sha }, (api) =>
      api.Repositories.showBlob(ctx.projectPath, sha),
    )) as unknown as WireBlob;
    return { sha, blob };
  });
  for (const { sha, blob } of blobs) {
    if (blob.encoding !== "base64") throw new ForgeUnavailableError(ctx.repository, `GitLab sent blob ${short(sha)} of "${ctx.repository}" in an unknown encoding "${blob.encoding}".`);
    const text = decodeText(Buffer.from(blob.content, "base64"));
    if (text !== null) texts.set(sha, text);
  }
  return texts;
}

/** Git's own heuristic (a NUL in the first 8000 bytes) plus strict UTF-8, as the git provider reads blobs. */
export function decodeText(bytes: Buffer): string | null {
  if (bytes.subarray(0, 8000).includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
