import path from "node:path";
import { signInSettings } from "@/lib/auth/sign-in-config";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import { loadRepositoriesConfig, type RepositoryConfig } from "@/lib/config/repositories";
import { createDemoRepositories } from "@/lib/demo/create-demo-repos";
import { getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { retireRemovedRepositories } from "@/lib/sync/retire-repositories";
import { syncAllRepositories } from "@/lib/sync/sync-now";

// Demo repositories that belong to one team as a whole (repo per team); the others say per app.
const DEMO_REPOSITORY_TEAMS: Record<string, string> = { "payments-gitops": "payments" };

export interface BootstrapOptions {
  connectionString: string;
  dataDir: string;
  log?: (line: string) => void;
  /** With nothing configured, create and use the demo repositories (`npm start`); off in the image's prepare step. */
  demo?: boolean;
  /** Sync every repository before returning (default), so the first page already shows the matrix. */
  sync?: boolean;
}

interface RegisteredRepository extends RepositoryConfig {
  error?: string;
}

/**
 * Everything a fresh or restarted portal needs before it serves pages, after migrations:
 * users of the sign-in provider, the configured (or demo) repositories, and a first sync so the
 * first page already shows the matrix. Idempotent: a restart changes nothing that is in place.
 */
export async function bootstrap({ connectionString, dataDir, log = console.log, demo = true, sync = true }: BootstrapOptions): Promise<void> {
  process.env.DATABASE_URL ??= connectionString;
  const prisma = getPrisma();

  // The prepare step (demo off) leaves sign-in to the web processes, which check it at their start.
  if (demo && signInSettings().demo) await seedDemoUsers(prisma);

  const repositories = await configuredRepositories(dataDir, log, demo);
  // No configuration at all is more likely a missing variable than a wish to retire every repository.
  if (repositories === null) return;
  await registerRepositories(prisma, repositories, log);
  if (!sync) return;

  const started = Date.now();
  const results = await syncAllRepositories(prisma);
  for (const r of results) {
    if (r.status === "error") log(`ferry: repository ${r.repository} could not be synced: ${r.error} (the portal starts anyway)`);
  }
  log(`ferry: synced ${results.filter((r) => r.status !== "error").length}/${results.length} repositories in ${Date.now() - started} ms`);
}

async function configuredRepositories(dataDir: string, log: (line: string) => void, useDemo: boolean): Promise<RegisteredRepository[] | null> {
  const config = loadRepositoriesConfig();
  if (config.source !== "none") {
    log(`ferry: ${config.repositories.length} repositories from ${config.source === "env" ? "FERRY_REPOSITORIES" : "the config file"}`);
    return config.repositories;
  }
  if (!useDemo) {
    log("ferry: warning: no repositories configured (set FERRY_REPOSITORIES or FERRY_CONFIG); the registered ones are left as they are");
    return null;
  }
  const demo = await createDemoRepositories({ targetDir: path.join(dataDir, "repos") });
  log(`ferry: no repositories configured; using ${demo.length} demo repositories in ${path.join(dataDir, "repos")}`);
  return demo.map((d) => ({
    name: d.name,
    provider: "git" as const,
    url: d.path,
    branch: d.defaultBranch,
    team: DEMO_REPOSITORY_TEAMS[d.name],
    error: d.error,
  }));
}

async function registerRepositories(prisma: PrismaClient, repositories: RegisteredRepository[], log: (line: string) => void): Promise<void> {
  for (const repo of repositories) {
    // archivedAt: null brings back a repository configured again after it was removed.
    const data = { provider: repo.provider, url: repo.url, defaultBranch: repo.branch ?? "main", team: repo.team ?? null, draftChanges: repo.draft ?? false, archivedAt: null };
    await prisma.repository.upsert({
      where: { name: repo.name },
      create: { name: repo.name, ...data, syncError: repo.error ?? null },
      update: { ...data, ...(repo.error ? { syncError: repo.error } : {}) },
    });
  }
  const retired = await retireRemovedRepositories(prisma, repositories.map((r) => r.name));
  if (retired.length > 0) log(`ferry: archived ${retired.join(", ")}: no longer in the configuration (no more syncs or changes; change requests kept)`);
}
