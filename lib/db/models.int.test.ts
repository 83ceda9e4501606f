import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing/test-db.ts";

// Every model through the hand-written migration and back: a column the SQL lacks, a wrong type, a
// missing default or a foreign key with the wrong ON DELETE shows up here, not in production.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const at = (iso: string) => new Date(iso);

describe("every model round-trips through the migrated database", () => {
  it("User, Session, Team, TeamMember with enums, defaults and cascades", async () => {
    const { prisma } = db;
    const before = new Date(Date.now() - 60_000);
    const alice = await prisma.user.create({ data: { id: "u-alice", name: "Alice", email: "alice@example.com" } });
    expect(alice).toEqual({ id: "u-alice", name: "Alice", email: "alice@example.com", role: "VIEWER", createdAt: expect.any(Date), provider: null, groups: [], grants: null, lastSignInAt: null, providerGrant: null, groupsRefreshedAt: null });
    expect(alice.createdAt.getTime()).toBeGreaterThan(before.getTime());

    const signedIn = { provider: "oidc", groups: ["oidc:platform-admins"], grants: [{ grant: "role:admin", group: "oidc:platform-admins", line: 2, rule: "g, oidc:platform-admins, role:admin" }], lastSignInAt: at("2026-12-03T10:00:00.123Z"), providerGrant: "v1.iv.tag.data", groupsRefreshedAt: at("2026-12-03T10:05:00.456Z") };
    const bob = await prisma.user.create({ data: { id: "u-bob", name: "Bob", email: "bob@example.com", role: "ADMIN", ...signedIn } });
    expect(await prisma.user.findUniqueOrThrow({ where: { email: "bob@example.com" } })).toMatchObject({ role: "ADMIN", ...signedIn });
    await expect(prisma.user.create({ data: { id: "u-x", name: "X", email: "bob@example.com" } })).rejects.toThrow();

    const session = await prisma.session.create({
      data: { id: "s1", userId: bob.id, expiresAt: at("2030-01-02T03:04:05.678Z") },
    });
    expect(await prisma.session.findUniqueOrThrow({ where: { id: "s1" } })).toEqual(session);
    expect(session.expiresAt.toISOString()).toBe("2030-01-02T03:04:05.678Z");

    const team = await prisma.team.create({ data: { name: "payments" } });
    expect(team).toEqual({ id: expect.any(Number), name: "payments", displayName: null, createdAt: expect.any(Date) });
    const team2 = await prisma.team.create({ data: { name: "search", displayName: "Search & Discovery" } });
    expect(team2.id).toBeGreaterThan(team.id);

    await prisma.teamMember.createMany({
      data: [
        { userId: alice.id, teamId: team.id },
        { userId: bob.id, teamId: team.id },
        { userId: bob.id, teamId: team2.id },
      ],
    });
    await expect(prisma.teamMember.create({ data: { userId: bob.id, teamId: team.id } })).rejects.toThrow();
    const withTeams = await prisma.user.findUniqueOrThrow({
      where: { id: bob.id },
      include: { memberships: { include: { team: true }, orderBy: { teamId: "asc" } }, sessions: true },
    });
    expect(withTeams.memberships.map((m) => m.team.name)).toEqual(["payments", "search"]);
    expect(withTeams.sessions).toEqual([session]);

    // Deleting a user removes their sessions and memberships; deleting a team removes its memberships.
    await prisma.user.delete({ where: { id: bob.id } });
    expect(await prisma.session.count()).toBe(0);
    expect(await prisma.teamMember.findMany({ select: { userId: true } })).toEqual([{ userId: alice.id }]);
    await prisma.team.delete({ where: { id: team.id } });
    expect(await prisma.teamMember.count()).toBe(0);
  });

  it("Repository, Blob, RepositoryFile with arrays, optional fields and @updatedAt", async () => {
    const { prisma } = db;
    const repo = await prisma.repository.create({
      data: {
        name: "platform-gitops",
        provider: "github",
        url: "https://github.com/example/platform-gitops",
        convention: ["kustomize-overlays", "helm-per-env"],
        team: "platform",
        headSha: "a".repeat(40),
        etag: 'W/"abc"',
        lastSyncAt: at("2026-11-21T10:00:00.123Z"),
        lastSyncMs: 1234,
        syncError: null,
        readErrors: [{ path: "apps/bad/kustomization.yaml", message: "bad indentation" }],
        readNotes: ["convention pinned by .ferry/config.yaml"],
      },
    });
    expect(await prisma.repository.findUniqueOrThrow({ where: { name: "platform-gitops" } })).toEqual({
      id: repo.id,
      name: "platform-gitops",
      provider: "github",
      url: "https://github.com/example/platform-gitops",
      defaultBranch: "main",
      team: "platform",
      convention: ["kustomize-overlays", "helm-per-env"],
      headSha: "a".repeat(40),
      draftChanges: false,
      etag: 'W/"abc"',
      lastSyncAt: at("2026-11-21T10:00:00.123Z"),
      lastSyncMs: 1234,
      syncError: null,
      readErrors: [{ path: "apps/bad/kustomization.yaml", message: "bad indentation" }],
      readNotes: ["convention pinned by .ferry/config.yaml"],
      protectedEnvironments: [],
      archivedAt: null,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });

    const updated = await prisma.repository.update({ where: { id: repo.id }, data: { syncError: "boom", convention: [] } });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(repo.updatedAt.getTime());
    expect(updated.convention).toEqual([]);
    expect(updated.syncError).toBe("boom");

    const minimal = await prisma.repository.create({ data: { name: "minimal", provider: "git", url: "file:///x" } });
    expect(minimal).toMatchObject({ convention: [], readNotes: [], readErrors: null, defaultBranch: "main", team: null });
    // @default([]) puts '{}' in the column, not NULL, so `isEmpty` filters and plain SQL agree with Prisma.
    const raw = await prisma.$queryRaw<{ convention: string[] | null }[]>`SELECT convention FROM "Repository" WHERE id = ${minimal.id}`;
    expect(raw).toEqual([{ convention: [] }]);
    await prisma.$executeRaw`INSERT INTO "Repository" (name, provider, url, "updatedAt") VALUES ('sqlrow', 'git', 'file:///y', now())`;
    expect(await prisma.repository.count({ where: { convention: { isEmpty: true } } })).toBe(3);

    const blob = await prisma.blob.create({ data: { sha: "b".repeat(40), size: 11, content: "kind: Foo\n✓\n" } });
    expect(await prisma.blob.findUniqueOrThrow({ where: { sha: blob.sha } })).toEqual(blob);

    await prisma.repositoryFile.createMany({
      data: [
        { repositoryId: repo.id, path: "apps/web/base/deployment.yaml", blobSha: blob.sha },
        { repositoryId: repo.id, path: "apps/web/overlays/prod/kustomization.yaml", blobSha: blob.sha },
      ],
    });
    await expect(
      prisma.repositoryFile.create({ data: { repositoryId: repo.id, path: "apps/web/base/deployment.yaml", blobSha: "c" } }),
    ).rejects.toThrow();
    const file = await prisma.repositoryFile.findUniqueOrThrow({
      where: { repositoryId_path: { repositoryId: repo.id, path: "apps/web/base/deployment.yaml" } },
    });
    expect(file).toEqual({ repositoryId: repo.id, path: "apps/web/base/deployment.yaml", blobSha: blob.sha });

    // Files go with their repository; blobs are shared by SHA and stay.
    await prisma.repository.delete({ where: { id: repo.id } });
    expect(await prisma.repositoryFile.count()).toBe(0);
    expect(await prisma.blob.count()).toBe(1);
  });

  it("Environment, App, Deployment with JSON, unique pairs and SetNull", async () => {
    const { prisma } = db;
    const repo = await prisma.repository.create({ data: { name: "apps", provider: "gitlab", url: "https://gitlab.example/apps", convention: [] } });
    const team = await prisma.team.create({ data: { name: "checkout" } });
    const dev = await prisma.environment.create({ data: { name: "dev", order: 1 } });
    const prod = await prisma.environment.create({ data: { name: "prod", order: 3, protected: true } });
    expect(await prisma.environment.findUniqueOrThrow({ where: { id: dev.id } })).toEqual({ id: dev.id, name: "dev", order: 1, protected: false });
    expect(prod.protected).toBe(true);

    const app = await prisma.app.create({ data: { repositoryId: repo.id, name: "cart", path: "apps/cart", teamId: team.id } });
    expect(await prisma.app.findUniqueOrThrow({ where: { repositoryId_name: { repositoryId: repo.id, name: "cart" } } })).toEqual({
      id: app.id, repositoryId: repo.id, name: "cart", path: "apps/cart", teamId: team.id, searchText: "",
    });
    const searchable = await prisma.app.update({ where: { id: app.id }, data: { searchText: "cart payments shop ghcr.io/acme/cart 1.4.2" } });
    expect(searchable.searchText).toBe("cart payments shop ghcr.io/acme/cart 1.4.2");
    await expect(prisma.app.create({ data: { repositoryId: repo.id, name: "cart", path: "elsewhere" } })).rejects.toThrow();

    const versions = [
      { kind: "image", name: "registry.example/cart", tag: "1.4.2", file: "apps/cart/overlays/dev/kustomization.yaml", yamlPath: ["images", 0, "newTag"] },
      { kind: "chart", version: "2.0.0", digest: null, nested: { ok: true, n: 1.5, list: ["ä", "🚀"] } },
    ];
    const deployment = await prisma.deployment.create({
      data: {
        appId: app.id,
        environmentId: dev.id,
        path: "apps/cart/overlays/dev",
        versions,
        errors: [],
        lastCommitSha: "d".repeat(40),
        lastCommitBy: "Alice <alice@example.com>",
        lastCommitAt: at("2026-11-20T08:09:10.111Z"),
        liveSync: "Synced",
        liveHealth: "Healthy",
        files: ["apps/cart/overlays/dev/kustomization.yaml", "apps/cart/base/deployment.yaml"],
        drift: "behind",
        driftFields: [{ field: "image", from: "1.4.1", to: "1.4.2" }],
      },
    });
    expect(await prisma.deployment.findUniqueOrThrow({ where: { appId_environmentId: { appId: app.id, environmentId: dev.id } } })).toEqual({
      id: deployment.id,
      appId: app.id,
      environmentId: dev.id,
      path: "apps/cart/overlays/dev",
      versions,
      errors: [],
      lastCommitSha: "d".repeat(40),
      lastCommitBy: "Alice <alice@example.com>",
      lastCommitAt: at("2026-11-20T08:09:10.111Z"),
      liveSync: "Synced",
      liveHealth: "Healthy",
      files: ["apps/cart/overlays/dev/kustomization.yaml", "apps/cart/base/deployment.yaml"],
      drift: "behind",
      driftFields: [{ field: "image", from: "1.4.1", to: "1.4.2" }],
    });
    const bare = await prisma.deployment.create({ data: { appId: app.id, environmentId: prod.id, path: "apps/cart/overlays/prod", versions: {}, errors: { parse: "bad yaml" } } });
    expect(bare).toMatchObject({ versions: {}, errors: { parse: "bad yaml" }, files: [], drift: null, driftFields: null, lastCommitAt: null });
    await expect(prisma.deployment.create({ data: { appId: app.id, environmentId: dev.id, path: "x", versions: [], errors: [] } })).rejects.toThrow();

    const matrix = await prisma.app.findUniqueOrThrow({
      where: { id: app.id },
      include: { deployments: { include: { environment: true }, orderBy: { environment: { order: "asc" } } }, team: true, repository: true },
    });
    expect(matrix.deployments.map((d) => d.environment.name)).toEqual(["dev", "prod"]);
    expect(matrix.team?.name).toBe("checkout");
    expect(matrix.repository.name).toBe("apps");

    // A team going away leaves its apps unowned; an environment going away takes its cells.
    await prisma.team.delete({ where: { id: team.id } });
    expect((await prisma.app.findUniqueOrThrow({ where: { id: app.id } })).teamId).toBeNull();
    await prisma.environment.delete({ where: { id: prod.id } });
    expect(await prisma.deployment.count({ where: { appId: app.id } })).toBe(1);
    await prisma.repository.delete({ where: { id: repo.id } });
    expect(await prisma.app.count()).toBe(0);
    expect(await prisma.deployment.count()).toBe(0);
  });

  it("ChangeRequest with both enums, JSON and cascade from its repository", async () => {
    const { prisma } = db;
    const repo = await prisma.repository.create({ data: { name: "cr-repo", provider: "github", url: "https://github.com/x/y", convention: [] } });
    const changeSet = { files: [{ path: "apps/cart/overlays/prod/kustomization.yaml", before: "newTag: 1.4.1\n", after: "newTag: 1.4.2\n" }] };
    const cr = await prisma.changeRequest.create({
      data: {
        repositoryId: repo.id,
        kind: "PROMOTION",
        branch: "ferry/promote-cart-prod",
        baseSha: "e".repeat(40),
        title: "Promote cart 1.4.2 to prod",
        body: "From staging @ eeeeeee",
        authorId: "u-alice",
        appName: "cart",
        fromEnv: "staging",
        toEnv: "prod",
        changeSet,
        baseBranch: "main",
        labels: ["ferry", "promotion"],
        reviewState: "approved",
        checksState: "pending",
        syncedAt: at("2026-11-21T11:00:00.000Z"),
        conflict: true,
        forgeUpdatedAt: at("2026-11-21T10:59:00.000Z"),
        replannedOnSha: "d".repeat(40),
        replannedById: "u-carol",
        replannedAt: at("2026-11-21T10:58:00.000Z"),
      },
    });
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id: cr.id } })).toEqual({
      id: cr.id,
      repositoryId: repo.id,
      kind: "PROMOTION",
      state: "OPEN",
      number: null,
      url: null,
      branch: "ferry/promote-cart-prod",
      baseSha: "e".repeat(40),
      headSha: null,
      title: "Promote cart 1.4.2 to prod",
      body: "From staging @ eeeeeee",
      authorId: "u-alice",
      appName: "cart",
      fromEnv: "staging",
      toEnv: "prod",
      changeSet,
      baseBranch: "main",
      mergeCommitSha: null,
      mergeGates: null,
      labels: ["ferry", "promotion"],
      reviewState: "approved",
      checksState: "pending",
      syncedAt: at("2026-11-21T11:00:00.000Z"),
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      mergedAt: null,
      mergedById: null,
      closedAt: null,
      closedById: null,
      conflict: true,
      forgeUpdatedAt: at("2026-11-21T10:59:00.000Z"),
      replannedOnSha: "d".repeat(40),
      replannedById: "u-carol",
      replannedAt: at("2026-11-21T10:58:00.000Z"),
    });

    const merged = await prisma.changeRequest.update({
      where: { id: cr.id },
      data: {
        state: "MERGED",
        number: 42,
        url: "https://github.com/x/y/pull/42",
        headSha: "f".repeat(40),
        mergeCommitSha: "9".repeat(40),
        mergedAt: at("2026-11-21T12:00:00.000Z"),
        mergedById: "u-bob",
      },
    });
    expect(merged).toMatchObject({ state: "MERGED", number: 42, mergeCommitSha: "9".repeat(40), mergedAt: at("2026-11-21T12:00:00.000Z"), mergedById: "u-bob", closedById: null });
    // One change request per PR number and repository; requests without a number yet do not collide.
    await expect(
      prisma.changeRequest.create({ data: { repositoryId: repo.id, kind: "APP", number: 42, branch: "b", baseSha: "0", title: "t", body: "", changeSet: [] } }),
    ).rejects.toThrow();
    for (const kind of ["TENANT", "APP"] as const) {
      for (const state of ["DRAFT", "CLOSED"] as const) {
        await prisma.changeRequest.create({
          data: { repositoryId: repo.id, kind, state, branch: `b-${kind}-${state}`, baseSha: "0", title: "t", body: "", changeSet: [] },
        });
      }
    }
    expect(await prisma.changeRequest.count({ where: { repositoryId: repo.id, branch: "b-TENANT-DRAFT", state: "DRAFT" } })).toBe(1);
    await prisma.repository.delete({ where: { id: repo.id } });
    expect(await prisma.changeRequest.count()).toBe(0);
  });

  it("WebhookDelivery with its default time and a unique id", async () => {
    const { prisma } = db;
    const delivery = await prisma.webhookDelivery.create({ data: { id: "github:72d3162e-cc78-11e3-81ab-4c9367dc0958", provider: "github", event: "push", repository: "fleet" } });
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toEqual({
      id: "github:72d3162e-cc78-11e3-81ab-4c9367dc0958",
      provider: "github",
      event: "push",
      repository: "fleet",
      receivedAt: expect.any(Date),
    });
    await expect(prisma.webhookDelivery.create({ data: { id: delivery.id, provider: "github", event: "push" } })).rejects.toThrow();
  });

  it("AuditEvent and ApiToken", async () => {
    const { prisma } = db;
    const event = await prisma.auditEvent.create({
      data: {
        actorId: "u-alice",
        actorKind: "user",
        action: "promote",
        resourceType: "app",
        resourceId: "cart",
        result: "ok",
        message: "opened PR #42",
        details: { from: "staging", to: "prod", files: 1 },
        link: "https://github.com/x/y/pull/42",
      },
    });
    expect(await prisma.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toEqual({
      id: event.id,
      at: expect.any(Date),
      actorId: "u-alice",
      actorKind: "user",
      action: "promote",
      resourceType: "app",
      resourceId: "cart",
      result: "ok",
      message: "opened PR #42",
      details: { from: "staging", to: "prod", files: 1 },
      link: "https://github.com/x/y/pull/42",
    });
    const bare = await prisma.auditEvent.create({ data: { actorKind: "system", action: "sync", resourceType: "repository", result: "error" } });
    expect(bare).toMatchObject({ actorId: null, resourceId: null, message: null, details: null, link: null });

    const token = await prisma.apiToken.create({
      data: { name: "ci", tokenHash: "sha256:" + "1".repeat(64), teams: ["payments", "search"], createdById: "u-alice" },
    });
    expect(await prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: token.tokenHash } })).toEqual({
      id: token.id,
      name: "ci",
      tokenHash: "sha256:" + "1".repeat(64),
      teams: ["payments", "search"],
      createdById: "u-alice",
      createdAt: expect.any(Date),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    await expect(prisma.apiToken.create({ data: { name: "dup", tokenHash: token.tokenHash, teams: [] } })).rejects.toThrow();
    const revoked = await prisma.apiToken.update({ where: { id: token.id }, data: { revokedAt: at("2027-01-01T00:00:00.000Z"), lastUsedAt: at("2026-12-31T23:59:59.999Z") } });
    expect(revoked.revokedAt?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(revoked.lastUsedAt?.toISOString()).toBe("2026-12-31T23:59:59.999Z");
  });
});
