/**
 * A live-state source could not answer. `expired` means the resourceVersion Ferry resumed from is no
 * longer served (410 Gone): list again. `unauthorized` means the token was refused. `interrupted` means
 * an open stream broke off: reconnecting says whether the source is still there.
 */
export class LiveSourceError extends Error {
  override readonly name = "LiveSourceError";
  constructor(
    message: string,
    readonly reason: "expired" | "unauthorized" | "unavailable" | "invalid" | "interrupted",
    readonly status?: number,
  ) {
    super(message);
  }
}

export function errorForStatus(source: string, what: string, status: number, body: string): LiveSourceError {
  const detail = extractMessage(body);
  if (status === 401 || status === 403) return new LiveSourceError(`${source}: ${what}: the Argo CD token was refused (HTTP ${status}${detail ? `: ${detail}` : ""}); check the read-only account's token`, "unauthorized", status);
  if (status === 410) return new LiveSourceError(`${source}: ${what}: resource version expired (HTTP 410)`, "expired", status);
  return new LiveSourceError(`${source}: ${what}: HTTP ${status}${detail ? `: ${detail}` : ""}`, "unavailable", status);
}

function extractMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const m = typeof parsed.message === "string" ? parsed.message : typeof parsed.error === "string" ? parsed.error : "";
    return m.slice(0, 200);
  } catch {
    return body.slice(0, 200).trim();
  }
}
