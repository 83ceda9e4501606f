import path from "node:path";
import { createScmRepository } from "@/lib/scm/create-scm-repository";
import type { ScmProviderKind, ScmRepository } from "@/lib/scm/types";

interface RepositoryRow {
  name: string;
  provider: string;
  url: string;
  defaultBranch: string;
}

const PROVIDERS: readonly ScmProviderKind[] = ["git", "github", "gitlab"];

/** The provider client for a cached Repository row. Mirrors of remote repositories live in the data dir. */
export function openScmRepository(repo: RepositoryRow): ScmRepository {
  const provider = PROVIDERS.find((p) => p === repo.provider);
  if (!provider) throw new Error(`Repository ${repo.name} has an unknown provider "${repo.provider}".`);
  return createScmRepository(
    { name: repo.name, provider, url: repo.url, branch: repo.defaultBranch },
    { cacheDir: path.resolve(process.env.FERRY_DATA_DIR ?? ".data", "mirrors") },
  );
}
