import { describe, expect, it } from "vitest";
import { parseStreamMessages } from "./client";
import { LiveSourceError } from "./errors";
import { withoutCredentials } from "./reshape";

const event = (type: string, name: string, rv: string, sync = "Synced") =>
  JSON.stringify({ result: { type, application: { metadata: { name, namespace: "argocd", resourceVersion: rv }, status: { sync: { status: sync }, health: { status: "Healthy" } } } } });

describe("parseStreamMessages", () => {
  it("turns Argo CD watch events into upserts and deletes, keeping the last resourceVersion", () => {
    const batch = parseStreamMessages("argo", [event("ADDED", "a", "10"), event("MODIFIED", "b", "12", "OutOfSync"), event("DELETED", "a", "13")]);
    expect(batch.resourceVersion).toBe("13");
    expect(batch.events.map((e) => (e.type === "delete" ? `-${e.key}` : `${e.application.key}:${e.application.sync}`))).toEqual(["argocd/a:Synced", "argocd/b:OutOfSync", "-argocd/a"]);
  });

  it("asks for a relist when the stream says the resource version expired", () => {
    const expired = JSON.stringify({ error: { grpc_code: 11, http_code: 410, message: "too old resource version", http_status: "Gone" } });
    expect(() => parseStreamMessages("argo", [expired])).toThrow(expect.objectContaining({ reason: "expired" }));
    const other = JSON.stringify({ error: { grpc_code: 14, http_code: 503, message: "unavailable" } });
    expect(() => parseStreamMessages("argo", [other])).toThrow(expect.objectContaining({ reason: "unavailable" }));
  });

  it("refuses a message that is not JSON", () => {
    expect(() => parseStreamMessages("argo", ["nope"])).toThrow(LiveSourceError);
  });
});

describe("withoutCredentials", () => {
  it("drops the user and token of a repository URL, and leaves scp-style and plain URLs alone", () => {
    expect(withoutCredentials("https://bot:ghp_secret@github.com/acme/gitops.git")).toBe("https://github.com/acme/gitops.git");
    expect(withoutCredentials("git@github.com:acme/gitops.git")).toBe("git@github.com:acme/gitops.git");
    expect(withoutCredentials("https://github.com/acme/gitops")).toBe("https://github.com/acme/gitops");
  });
});
