import path from "node:path";
import { PrismaChangeRequestStore } from "@/lib/changes/prisma-change-request-store";
import { getPrisma } from "@/lib/db/client";
import { createScmRepository } from "@/lib/scm/create-scm-repository";
import type { ScmProviderKind, ScmRepository } from "@/lib/scm/types";

interface RepositoryRow {
  name: string;
  provider: string;
  url: string;
  defaultBranch: string;
}

const PROVIDERS: readonly ScmProviderKind[] = ["git", "github", "gitlab"];

// One client per configured repository per process: forge clients keep ETags, installation tokens
// and rate-limit state between calls, which is what makes an idle poll cost one conditional request.
const clients = new Map<string, ScmRepository>();

/** The provider client for a cached Repository row. Mirrors of remote repositories live in the data dir. */
export function openScmRepository(repo: RepositoryRow): ScmRepository {
  const key = JSON.stringify([repo.name, repo.provider, repo.url, repo.defaultBranch]);
  const cached = clients.get(key);
  if (cached) return cached;
  const provider = PROVIDERS.find((p) => p === repo.provider);
  if (!provider) throw new Error(`Repository ${repo.name} has an unknown provider "${repo.provider}".`);
  const client = createScmRepository(
    { name: repo.name, provider, url: repo.url, branch: repo.defaultBranch },
    // Plain git has no forge to hold change requests: the ChangeRequest table does.
    { cacheDir: path.resolve(process.env.FERRY_DATA_DIR ?? ".data", "mirrors"), changeRequests: new PrismaChangeRequestStore(getPrisma()) },
  );
  clients.set(key, client);
  return client;
}
