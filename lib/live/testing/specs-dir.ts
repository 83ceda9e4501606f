import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Where the published API descriptions are: `FERRY_SPECS_DIR`, else `../shared/specs` next to the
 * checkout, else the unchanged copies in ./specs (a clone elsewhere, such as CI's, has no shared folder
 * beside it).
 */
export function specsDir(): string {
  if (process.env.FERRY_SPECS_DIR) return process.env.FERRY_SPECS_DIR;
  const shared = path.resolve(import.meta.dirname, "../../../../shared/specs");
  return existsSync(path.join(shared, "argocd-swagger.json")) ? shared : path.join(import.meta.dirname, "specs");
}
