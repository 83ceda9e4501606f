import { redactSecrets } from "./connection";

// A database error as one line for users and health checks. Connection strings may carry passwords:
// credentials in any URL are masked, and the configured password is removed wherever it appears.
export function describeDatabaseError(error: unknown, connectionString: string | undefined = process.env.DATABASE_URL): string {
  const raw = error instanceof Error ? error.message : String(error);
  const firstLine = raw.split("\n").find((line) => line.trim().length > 0) ?? "unknown database error";
  const masked = firstLine.replace(/(\w+:\/\/[^:/@\s]+):[^@\s]+@/g, "$1:***@");
  return (connectionString ? redactSecrets(masked, connectionString) : masked).slice(0, 300);
}
