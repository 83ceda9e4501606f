import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeResource } from "@/lib/actions/changes/review-change";
import { openPromotionAction } from "@/lib/actions/promotions/open-promotion";
import { previewPromotionAction } from "@/lib/actions/promotions/preview-promotion";
import { authorize, type UserActor } from "@/lib/auth/policy";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { commitFiles, git, registerRepository } from "./testing/promotion-fixture";

// A promotion is judged by every cell it alters. web and api (two teams) read their proxy tag from one
// shared values file per environment: promoting web's proxy to production edits shared/production.yaml,
// which moves api's production too. A developer of web alone may not open that change, nor merge it.

const application = (name: string, env: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}-${env}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example/acme/platform.git\n    targetRevision: main\n    path: charts/${name}\n    helm:\n      valueFiles:\n        - ../../shared/${env}.yaml\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${name}-${env}\n`;
const chart = (name: string): Record<string, string> => ({
  [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
  [`charts/${name}/values.yaml`]: `image:\n  repository: ghcr.io/acme/${name}\n  tag: "1.0.0"\nproxy:\n  image:\n    repository: ghcr.io/acme/proxy\n    tag: "1.0.0"\n`,
  [`charts/${name}/templates/deployment.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n        - name: proxy\n          image: "{{ .Values.proxy.image.repository }}:{{ .Values.proxy.image.tag }}"\n`,
});

let db: TestDatabase;
let prisma: PrismaClient;
let root: string;
const repo = () => path.join(root, "platform");
const dana: UserActor = { kind: "user", id: "u-dana", name: "Dana Developer", email: "dana@acme.example", role: "DEVELOPER", teams: ["web"] };
const both: UserActor = { ...dana, id: "u-bo", name: "Bo Both", teams: ["web", "api"] };
const request = { repository: "platform", app: "web", from: "staging", to: "production" };

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  root = await mkdtemp(path.join(tmpdir(), "ferry-impact-refusal-"));
  process.env.FERRY_DATA_DIR = path.join(root, "data");
  await mkdir(repo(), { recursive: true });
  await git(repo(), ["init", "-q", "-b", "main"]);
  await commitFiles(
    repo(),
    {
      ".ferry/config.yaml": "teams:\n  web: [web]\n  api: [api]\n",
      "shared/staging.yaml": `proxy:\n  image:\n    tag: "2.0.0"\n`,
      "shared/production.yaml": `proxy:\n  image:\n    tag: "1.5.0"\n`,
      ...chart("web"),
      ...chart("api"),
      ...Object.fromEntries(["web", "api"].flatMap((a) => ["staging", "production"].map((e) => [`argocd/${a}-${e}.yaml`, application(a, e)]))),
    },
    "two apps sharing one values file per environment",
  );
  await registerRepository(prisma, "platform", repo(), null);
}, 180_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await rm(root, { recursive: true, force: true });
});

describe("a promotion that also moves another team's app", () => {
  it("is refused to a developer of one team, in the preview and when opened, naming the other cell; nothing is written", async () => {
    const preview = await previewPromotionAction.run(request, { actor: dana, prisma });
    expect(preview).toMatchObject({ ok: true, data: { plan: { status: "refused" } } });
    if (preview.ok && preview.data.plan.status === "refused") {
      expect(preview.data.plan.reason).toBe(
        "This promotion also alters api in production (a file it edits feeds that cell too), and Dana Developer is not a member of team api. Ask someone who may promote both, or a platform admin. Nothing was changed.",
      );
    }
    const opened = await openPromotionAction.run(request, { actor: dana, prisma });
    expect(opened).toMatchObject({ ok: true, data: { status: "refused" } });
    expect(await prisma.changeRequest.count()).toBe(0);
    expect(await git(repo(), ["branch", "--list", "ferry/*"])).toBe("");
  });

  it("opens for a member of both teams, and the merge is judged by both teams", async () => {
    const opened = await openPromotionAction.run(request, { actor: both, prisma });
    expect(opened).toMatchObject({ ok: true, data: { status: "opened" } });
    if (!opened.ok || !("change" in opened.data)) throw new Error("not opened");
    expect(opened.data.plan.changeSet.edits.map((e) => e.path)).toEqual(["shared/production.yaml"]);
    const resource = await changeResource(prisma, opened.data.change.id);
    expect(resource.teams?.slice().sort()).toEqual(["api", "web"]);
    expect(authorize({ ...dana, id: "u-other" }, "change.merge", resource)).toEqual({
      allowed: false,
      reason: "Dana Developer is not a member of team api, whose app this change also alters",
    });
  });
});
