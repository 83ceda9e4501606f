// A database error as one line for users and health checks. Connection strings may carry passwords,
// so anything that looks like a URL credential is masked before it leaves the server.
export function describeDatabaseError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const firstLine = raw.split("\n").find((line) => line.trim().length > 0) ?? "unknown database error";
  return firstLine.replace(/(\w+:\/\/[^:/@\s]+):[^@\s]+@/g, "$1:***@").slice(0, 300);
}
