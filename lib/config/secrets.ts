import { readFileSync } from "node:fs";

/**
 * A secret from the environment: `NAME` itself, or the content of the file named by `NAME_FILE`
 * (Docker/Kubernetes secrets mounted as files). Secrets are read on the server only, never logged,
 * never stored in the database and never sent to the browser.
 */
export function readSecret(name: string, env: Record<string, string | undefined> = process.env): string | undefined {
  const direct = env[name];
  if (direct) return direct;
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
    throw new Error(`${name}_FILE points at ${file}, which cannot be read (${reason}).`);
  }
}
