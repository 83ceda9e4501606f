// Environment names the reader takes from folder (or file, or generator) names are checked like the
// ones a user types: a DNS-1123 label. `..`, `.git`, `PROD` or `*e` never become a matrix column;
// the folder is reported with the reason instead.
import { checkEnvName } from "../names";
import type { RepoError } from "../model";
import type { Candidate } from "./candidate";

/** The candidates whose environment name is valid; one error per invalid name, naming its folder(s). */
export function withValidEnvironmentNames(candidates: readonly Candidate[]): { valid: Candidate[]; errors: RepoError[] } {
  const valid: Candidate[] = [];
  const rejected = new Map<string, { message: string; paths: string[] }>();
  for (const c of candidates) {
    const seen = rejected.get(c.env);
    if (seen) {
      if (!seen.paths.includes(c.path)) seen.paths.push(c.path);
      continue;
    }
    const check = checkEnvName(c.env);
    if (check.ok) valid.push(c);
    else rejected.set(c.env, { message: check.message, paths: [c.path] });
  }
  const errors = [...rejected].map(([env, { message, paths }]) => {
    const sorted = [...paths].sort();
    const others = sorted.length > 1 ? ` (also ${sorted.length - 1} other folder${sorted.length > 2 ? "s" : ""}: ${sorted.slice(1, 4).join(", ")}${sorted.length > 4 ? ", …" : ""})` : "";
    return {
      file: sorted[0] ?? ".",
      message: `"${env}" is not a valid environment name, so it is not shown as an environment${others}: ${message}`,
    };
  });
  return { valid, errors };
}
