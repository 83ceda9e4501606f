import type { PrismaClient } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { loadCellIndex, loadSignedCellIndex } from "./cell-index";
import type { KubernetesStateStore } from "./kubernetes/follow-kubernetes";
import { parseResumeState, type KubernetesResumeState } from "./kubernetes/resume-state";
import { placeApplication, type CellIndex } from "./place";
import type { LiveApplication, LiveEvent } from "./types";

// Live state in Postgres, one row per reconciler object and source, placed in its cell when written:
// every portal replica serves the same state, and a restart keeps it.

const CHUNK = 2_000;

/** What a stored object's health was, and since when, so a rewrite with the same health keeps the time. */
type HealthSeen = Map<string, { health: string; healthSince: Date | null }>;

/**
 * Since when the object's health is what it is: the source's own transition time, else the stored
 * time while the health is unchanged, else now (the first write that saw it).
 */
function healthSince(app: LiveApplication, seen: HealthSeen, observedAt: Date): Date {
  if (app.healthSince) return new Date(app.healthSince);
  const before = seen.get(app.key);
  return before && before.health === app.health && before.healthSince ? before.healthSince : observedAt;
}

function row(sourceName: string, app: LiveApplication, index: CellIndex, observedAt: Date, seen: HealthSeen): Prisma.LiveApplicationCreateManyInput {
  const placed = placeApplication(app, index);
  return {
    sourceName,
    key: app.key,
    name: app.name,
    sync: app.sync,
    health: app.health,
    revision: app.revision,
    images: app.images,
    sources: app.sources as unknown as Prisma.InputJsonValue,
    destination: app.destination as unknown as Prisma.InputJsonValue,
    appliedAt: app.appliedAt ? new Date(app.appliedAt) : null,
    healthSince: healthSince(app, seen, observedAt),
    observedAt,
    ...("reason" in placed ? { repository: null, app: null, env: null, unplacedReason: placed.reason } : { ...placed, unplacedReason: null }),
  };
}

type Tx = Pick<PrismaClient, "$executeRaw">;

/**
 * Inserts rows as one JSON parameter: Prisma's createMany spent ~30 s on 10,000 rows with JSON columns
 * on this machine; jsonb_to_recordset takes well under one.
 */
async function insertRows(tx: Tx, rows: Prisma.LiveApplicationCreateManyInput[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const json = JSON.stringify(rows.slice(i, i + CHUNK));
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO "LiveApplication" ("sourceName", "key", "name", "sync", "health", "revision", "images", "sources", "destination", "appliedAt", "healthSince", "observedAt", "repository", "app", "env", "unplacedReason")
      SELECT "sourceName", "key", "name", "sync", "health", "revision", COALESCE("images", ARRAY[]::TEXT[]), "sources", "destination", "appliedAt", "healthSince", "observedAt", "repository", "app", "env", "unplacedReason"
      FROM jsonb_to_recordset(${json}::jsonb) AS x("sourceName" TEXT, "key" TEXT, "name" TEXT, "sync" TEXT, "health" TEXT, "revision" TEXT, "images" TEXT[], "sources" JSONB, "destination" JSONB,
        "appliedAt" TIMESTAMP(3), "healthSince" TIMESTAMP(3), "observedAt" TIMESTAMP(3), "repository" TEXT, "app" TEXT, "env" TEXT, "unplacedReason" TEXT)`);
  }
}

export class PrismaLiveStateStore implements KubernetesStateStore {
  /** The cells' signature the stored objects were last placed with, by this store. */
  private placedWith: string | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly source: { name: string; kind: string },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates the source's row; called before following it. */
  async register(): Promise<void> {
    await this.prisma.liveSource.upsert({ where: { name: this.source.name }, create: { name: this.source.name, kind: this.source.kind }, update: { kind: this.source.kind } });
  }

  async resumePoint(): Promise<{ resourceVersion: string | null; stale: boolean }> {
    const s = await this.prisma.liveSource.findUnique({ where: { name: this.source.name }, select: { resourceVersion: true, staleSince: true, lastContactAt: true } });
    return { resourceVersion: s?.resourceVersion ?? null, stale: !s?.lastContactAt || s.staleSince !== null };
  }

  /** A Kubernetes source's resume state, and the keys of its stored rows (which a resumed follower may delete). */
  async kubernetesResumePoint(): Promise<{ state: KubernetesResumeState | null; keys: string[] }> {
    const s = await this.prisma.liveSource.findUnique({ where: { name: this.source.name }, select: { resumeState: true } });
    const state = parseResumeState(s?.resumeState);
    if (!state || Object.keys(state.kinds).length === 0) return { state: null, keys: [] };
    const rows = await this.prisma.liveApplication.findMany({ where: { sourceName: this.source.name }, select: { key: true } });
    return { state, keys: rows.map((r) => r.key) };
  }

  async saveResumeState(state: KubernetesResumeState): Promise<void> {
    await this.prisma.liveSource.update({ where: { name: this.source.name }, data: { resumeState: state as unknown as Prisma.InputJsonValue } });
  }

  private contact(resourceVersion: string | null | undefined, resumeState?: KubernetesResumeState): Prisma.LiveSourceUpdateInput {
    return {
      lastContactAt: this.now(),
      staleSince: null,
      lastError: null,
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      ...(resumeState ? { resumeState: resumeState as unknown as Prisma.InputJsonValue } : {}),
    };
  }

  async replaceAll(applications: LiveApplication[], resourceVersion: string | null, resumeState?: KubernetesResumeState): Promise<void> {
    const { index, signature } = await loadSignedCellIndex(this.prisma);
    this.placedWith = signature;
    const at = this.now();
    const seen = await this.healthSeen();
    const rows = applications.map((a) => row(this.source.name, a, index, at, seen));
    await this.prisma.$transaction(
      async (tx) => {
        await tx.liveApplication.deleteMany({ where: { sourceName: this.source.name } });
        await insertRows(tx, rows);
        await tx.liveSource.update({ where: { name: this.source.name }, data: this.contact(resourceVersion, resumeState) });
      },
      { timeout: 60_000 },
    );
  }

  async apply(events: LiveEvent[], resourceVersion: string | null, resumeState?: KubernetesResumeState): Promise<void> {
    const index = await loadCellIndex(this.prisma);
    const at = this.now();
    // Only the last event of each object in a burst matters.
    const last = new Map<string, LiveEvent>();
    for (const e of events) last.set(e.type === "delete" ? e.key : e.application.key, e);
    const seen = await this.healthSeen([...last.keys()]);
    const upserts = [...last.values()].flatMap((e) => (e.type === "upsert" ? [row(this.source.name, e.application, index, at, seen)] : []));
    const deletes = [...last.values()].flatMap((e) => (e.type === "delete" ? [e.key] : []));
    await this.prisma.$transaction(async (tx) => {
      await tx.liveApplication.deleteMany({ where: { sourceName: this.source.name, key: { in: [...deletes, ...upserts.map((u) => u.key)] } } });
      await insertRows(tx, upserts);
      await tx.liveSource.update({ where: { name: this.source.name }, data: this.contact(resourceVersion, resumeState) });
    });
  }

  private async healthSeen(keys?: string[]): Promise<HealthSeen> {
    const rows = await this.prisma.liveApplication.findMany({
      where: { sourceName: this.source.name, ...(keys ? { key: { in: keys } } : {}) },
      select: { key: true, health: true, healthSince: true },
    });
    return new Map(rows.map((r) => [r.key, r]));
  }

  async reachable(): Promise<void> {
    await this.prisma.liveSource.update({ where: { name: this.source.name }, data: this.contact(undefined) });
  }

  async unreachable(error: string): Promise<void> {
    // Stale since the first failure, not the latest retry.
    await this.prisma.$executeRaw`UPDATE "LiveSource" SET "staleSince" = COALESCE("staleSince", ${this.now()}), "lastError" = ${error.slice(0, 1000)}, "updatedAt" = ${this.now()} WHERE "name" = ${this.source.name}`;
  }

  /**
   * Places every stored object again when the repositories' cells changed since this store last did
   * (a sync moved a folder, added an app); 0 without a look at the rows otherwise.
   */
  async placeAgain(): Promise<number> {
    const { index, signature } = await loadSignedCellIndex(this.prisma);
    if (signature === this.placedWith) return 0;
    this.placedWith = signature;
    const rows = await this.prisma.liveApplication.findMany({ where: { sourceName: this.source.name } });
    let changed = 0;
    for (const r of rows) {
      const app = { key: r.key, name: r.name, destination: r.destination, sources: r.sources } as unknown as LiveApplication;
      const placed = placeApplication(app, index);
      const next = "reason" in placed ? { repository: null, app: null, env: null, unplacedReason: placed.reason } : { ...placed, unplacedReason: null };
      if (next.repository === r.repository && next.app === r.app && next.env === r.env && next.unplacedReason === r.unplacedReason) continue;
      await this.prisma.liveApplication.update({ where: { sourceName_key: { sourceName: r.sourceName, key: r.key } }, data: next });
      changed++;
    }
    return changed;
  }
}
