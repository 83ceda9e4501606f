import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { argoApplication, startArgoCdTestServer, type ArgoCdTestServer } from "../testing/argocd-test-server";
import type { LiveEvent } from "../types";
import { ArgoCdClient } from "./client";
import { LiveSourceError } from "./errors";
import { LIST_FIELDS, WATCH_FIELDS } from "./fields";

// Ferry's Argo CD client against the swagger-validated test server, over real HTTP.
let server: ArgoCdTestServer;
const REPO = "https://github.com/acme/gitops";

beforeEach(async () => {
  server = await startArgoCdTestServer();
  server.upsert(argoApplication({ name: "checkout-staging", repoURL: REPO, path: "apps/checkout/overlays/staging", revision: "a".repeat(40), images: ["ghcr.io/acme/checkout:1.4.2"], finishedAt: "2026-12-02T10:00:00Z" }));
  server.upsert(argoApplication({ name: "checkout-production", repoURL: REPO, path: "apps/checkout/overlays/production", sync: "OutOfSync", health: "Degraded" }));
});
afterEach(async () => {
  await server.close();
  expect(server.violations).toEqual([]);
});

const client = (token: string | null = server.token) => new ArgoCdClient({ name: "argo", url: server.url, token: token ?? undefined });

async function take(iterable: AsyncIterable<{ events: LiveEvent[] }>, count: number, whileWaiting?: () => void): Promise<LiveEvent[]> {
  const out: LiveEvent[] = [];
  let first = true;
  for await (const batch of iterable) {
    if (first) whileWaiting?.();
    first = false;
    out.push(...batch.events);
    if (out.length >= count) break;
  }
  return out;
}

describe("ArgoCdClient", () => {
  it("lists applications with the fields projection and keeps the list's resourceVersion", async () => {
    const listing = await client().listApplications(AbortSignal.timeout(5_000));
    expect(listing.resourceVersion).toBe(String(server.resourceVersion()));
    expect(listing.applications).toEqual([
      expect.objectContaining({ key: "argocd/checkout-staging", sync: "Synced", health: "Healthy", revision: "a".repeat(40), images: ["ghcr.io/acme/checkout:1.4.2"], appliedAt: "2026-12-02T10:00:00Z", sources: [{ repoURL: REPO, path: "apps/checkout/overlays/staging", targetRevision: "HEAD" }] }),
      expect.objectContaining({ key: "argocd/checkout-production", sync: "OutOfSync", health: "Degraded", appliedAt: null }),
    ]);
    expect(server.requests.list).toBe(1);
    // Only the projected fields came back: nothing of spec but sources and destination.
    expect(server.fields).toEqual([LIST_FIELDS]);
    expect(LIST_FIELDS.split(",")).toContain("metadata.resourceVersion");
  });

  it("says the server is unavailable on a 5xx, naming the status", async () => {
    server.failNext(503);
    await expect(client().listApplications(AbortSignal.timeout(5_000))).rejects.toMatchObject({ reason: "unavailable", status: 503, message: expect.stringContaining("HTTP 503") });
    server.failNext(502);
    await expect(take(client().watchApplications("1", AbortSignal.timeout(5_000)), 1)).rejects.toMatchObject({ reason: "unavailable", status: 502 });
  });

  it("asks the stream for the watch projection", async () => {
    const controller = new AbortController();
    await take(client().watchApplications(null, controller.signal), 1);
    controller.abort();
    expect(server.fields).toEqual([WATCH_FIELDS]);
  });

  it("is refused without the token, and says so", async () => {
    await expect(client("wrong").listApplications(AbortSignal.timeout(5_000))).rejects.toMatchObject({ reason: "unauthorized", status: 401 });
    await expect(client(null).listApplications(AbortSignal.timeout(5_000))).rejects.toBeInstanceOf(LiveSourceError);
    expect(server.requests.unauthorized).toBe(1);
  });

  it("follows the stream from the list's resourceVersion: only changes after it arrive", async () => {
    const { resourceVersion } = await client().listApplications(AbortSignal.timeout(5_000));
    const controller = new AbortController();
    const events = await take(client().watchApplications(resourceVersion, controller.signal), 2, () => {
      server.upsert(argoApplication({ name: "checkout-production", repoURL: REPO, path: "apps/checkout/overlays/production", sync: "Synced", health: "Progressing" }));
      server.remove("checkout-staging");
    });
    controller.abort();
    expect(events).toEqual([{ type: "upsert", application: expect.objectContaining({ key: "argocd/checkout-production", sync: "Synced", health: "Progressing" }) }, { type: "delete", key: "argocd/checkout-staging" }]);
  });

  it("without a resourceVersion, the stream starts with every application", async () => {
    const controller = new AbortController();
    const events = await take(client().watchApplications(null, controller.signal), 2);
    controller.abort();
    expect(events.map((e) => (e.type === "upsert" ? e.application.name : e.key))).toEqual(["checkout-staging", "checkout-production"]);
  });

  it("is told to relist when its resourceVersion expired", async () => {
    server.expireBefore(server.resourceVersion());
    const stream = client().watchApplications("100", AbortSignal.timeout(5_000));
    await expect(take(stream, 1)).rejects.toMatchObject({ reason: "expired" });
  });
});
