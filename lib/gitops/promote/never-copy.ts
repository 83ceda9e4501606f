import { minimatch } from "minimatch";
import { parseAllDocuments } from "yaml";
import { basename } from "./paths";

const SECRET_KINDS = new Set(["Secret", "SealedSecret", "ExternalSecret", "SecretStore", "ClusterSecretStore", "ClusterExternalSecret"]);

export function isYamlFile(path: string): boolean {
  return /\.ya?ml$/i.test(path) || basename(path) === "Kustomization";
}

/** Top-level kinds and the SOPS marker of a YAML text; tolerant of broken files (whatever did parse counts). */
function inspect(text: string): { kinds: string[]; sops: boolean; error?: string } {
  const kinds: string[] = [];
  let sops = false;
  let error: string | undefined;
  for (const doc of parseAllDocuments(text.replace(/^\uFEFF/, ""), { prettyErrors: false })) {
    if (doc.errors[0] && !error) error = doc.errors[0].message.split("\n", 1)[0];
    const value: unknown = doc.errors.length ? null : doc.toJS({ maxAliasCount: 100 });
    if (typeof value !== "object" || value === null) continue;
    const record = value as Record<string, unknown>;
    if (typeof record.kind === "string") kinds.push(record.kind);
    if ("sops" in record) sops = true;
  }
  return { kinds, sops, error };
}

/**
 * Why a file of the source env folder must never be copied to another environment, or null when it may be.
 * `relative` is the path inside the env folder, so globs can be written either way (`**\/values-prod.yaml`).
 */
export function neverCopyReason(path: string, relative: string, text: string, neverPromote: readonly string[]): string | null {
  const name = basename(path);
  if (isYamlFile(path)) {
    const { kinds, sops, error } = inspect(text);
    const secret = kinds.find((k) => SECRET_KINDS.has(k));
    if (secret) return `secret (kind: ${secret})`;
    if (sops) return "SOPS-encrypted";
    if (/ENC\[/.test(text)) return "SOPS-encrypted (ENC[…] values)";
    if (/^env-config/i.test(name)) return "env-config: per-environment configuration";
    if (error) return `does not parse (${error}); not copied`;
  } else if (/ENC\[/.test(text) || /^sops:/m.test(text)) {
    return "SOPS-encrypted";
  }
  if (/^env-config/i.test(name)) return "env-config: per-environment configuration";
  if (/secret/i.test(name)) return "secret (file name)";
  if (/\.enc(\.|$)/i.test(name)) return "encrypted file (.enc.)";
  for (const glob of neverPromote) {
    if (minimatch(path, glob, { dot: true }) || minimatch(relative, glob, { dot: true }) || minimatch(name, glob, { dot: true })) {
      return `matches neverPromote glob ${glob}`;
    }
  }
  return null;
}
