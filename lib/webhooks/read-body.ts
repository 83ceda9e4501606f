/**
 * Webhook bodies are read before their signature can be checked, so anyone who can reach the URL
 * chooses their size. They are streamed with a cap and refused (413) as soon as they pass it, whether
 * or not a Content-Length was sent (chunked uploads have none). GitHub caps payloads at 25 MB.
 */
export const DEFAULT_WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;

/** FERRY_WEBHOOK_MAX_BYTES, or the default; a value that is not a positive whole number is a configuration error. */
export function webhookMaxBytes(env: Record<string, string | undefined> = process.env): number {
  const raw = env.FERRY_WEBHOOK_MAX_BYTES?.trim();
  if (!raw) return DEFAULT_WEBHOOK_MAX_BYTES;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`FERRY_WEBHOOK_MAX_BYTES=${raw} is not a positive number of bytes (default ${DEFAULT_WEBHOOK_MAX_BYTES}, GitHub's 25 MB cap)`);
  }
  return value;
}

export type BoundedBody = { ok: true; body: string } | { ok: false; status: 413; error: string };

export function tooLarge(limit: number): BoundedBody {
  return { ok: false, status: 413, error: `Payload too large: this portal accepts webhook bodies up to ${limit} bytes.` };
}

/**
 * The body as UTF-8 text (what the signature is computed over), or 413 once more than `limit` bytes
 * arrived. On refusal the stream is cancelled, so the rest of the upload is never read or kept.
 */
export async function readBoundedBody(request: Request, limit: number): Promise<BoundedBody> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await request.body?.cancel().catch(() => {});
    return tooLarge(limit);
  }
  if (!request.body) return { ok: true, body: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      chunks.length = 0;
      await reader.cancel().catch(() => {});
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  return { ok: true, body: Buffer.concat(chunks, received).toString("utf8") };
}
