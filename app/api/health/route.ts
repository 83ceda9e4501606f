import { NextResponse } from "next/server";
import { getPrisma } from "@/lib/db/client";
import { describeDatabaseError } from "@/lib/db/describe-error";
import { readSupervisorState } from "@/lib/db/supervisor-state";
import { DATABASE_RETRY_AFTER_SECONDS } from "@/lib/db/unavailable";
import { branchNotices } from "@/lib/sync/branch-notices";

export const dynamic = "force-dynamic";

// The summary for people and the fresh-start check; orchestrators probe /api/health/live and
// /api/health/ready instead. Health is public on purpose (load balancers, the fresh-start check): it exposes sync state and
// error summaries, never URLs with credentials or tokens.
export async function GET() {
  const prisma = getPrisma();
  try {
    await prisma.$queryRaw`SELECT 1`;
    const repositories = await prisma.repository.findMany({
      where: { archivedAt: null },
      orderBy: { name: "asc" },
      select: { name: true, provider: true, defaultBranch: true, headSha: true, lastSyncAt: true, lastSyncMs: true, syncError: true, readNotes: true },
    });
    const degraded = repositories.some((r) => r.syncError);
    return NextResponse.json({
      status: degraded ? "degraded" : "ok",
      database: { status: "up", mode: process.env.FERRY_DB_MODE === "embedded" ? "embedded" : "external" },
      repositories: repositories.map((r) => ({
        name: r.name,
        provider: r.provider,
        branch: r.defaultBranch,
        headSha: r.headSha,
        lastSyncAt: r.lastSyncAt?.toISOString() ?? null,
        lastSyncMs: r.lastSyncMs,
        syncError: r.syncError,
        // An empty branch or a force-push: not an error, but nobody should learn it from a missing column.
        branchNotices: branchNotices(r.readNotes),
      })),
    });
  } catch (error) {
    // The launcher restarts a dead embedded database by itself (see lib/db/embedded-supervisor.ts).
    const supervisor = process.env.FERRY_DB_MODE === "embedded" ? await readSupervisorState() : null;
    const status = supervisor?.state === "restarting" ? "restarting" : "down";
    return NextResponse.json(
      { status, database: { status, error: describeDatabaseError(error) }, repositories: [] },
      { status: 503, headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) } },
    );
  }
}
