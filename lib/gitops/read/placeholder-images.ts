import type { Version } from "../model";

/**
 * Scaffolds and templates ship images nobody can pull: `ECR_REGISTRY_PLACEHOLDER/app`,
 * `ghcr.io/CHANGEME-ORG/app`, `<your-registry>/app`, a digest of zeros. The value is what the file holds,
 * so the cell keeps it (a promotion still edits that field), but it says the pin is not deployable.
 * Tokens must be whole words of the name (between `/ . _ - :`), so `replacement-api` or
 * `ghcr.io/yourcompany/app` are not flagged.
 */
const PLACEHOLDER_WORD = /(^|[^a-z0-9])(placeholder|change[-_]?me|replace[-_]?me|your[-_]?(registry|org|organi[sz]ation|account|account[-_]?id|repo|repository|project|user|username|image))([^a-z0-9]|$)/i;
// `<…>` is how documentation marks a blank to fill; the characters are not allowed in an image reference.
const BLANK = /<[^>]*>/;
const ZERO_DIGEST = /^sha256:0{64}$/;

function placeholderReason(v: Version): string | undefined {
  if (v.kind !== "image") return undefined;
  const word = PLACEHOLDER_WORD.exec(v.name);
  if (word?.[2]) return `its name holds "${word[2]}"`;
  if (BLANK.test(v.name)) return "its name holds a blank to fill in";
  if ((v.digest && ZERO_DIGEST.test(v.digest)) || (v.value !== null && ZERO_DIGEST.test(v.value))) return "its digest is all zeros";
  return undefined;
}

/** One problem per placeholder image among `versions`, for the cell's errors. */
export function placeholderImageProblems(versions: readonly Version[]): string[] {
  const out: string[] = [];
  for (const v of versions) {
    const reason = placeholderReason(v);
    if (reason) out.push(`${v.file}: ${v.field}: image ${v.name} is a placeholder (${reason}), not an image that can be deployed; the version is shown as written`);
  }
  return out;
}
