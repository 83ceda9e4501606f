import { readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { WATCHED_KINDS } from "./kinds";

// The ClusterRole docs/live-state.md tells operators to apply grants get, list and watch on exactly the
// kinds the Kubernetes source follows: no more (read-only, nothing else), no less (a 403 would stale it).

const docs = readFileSync(path.resolve(import.meta.dirname, "../../../docs/live-state.md"), "utf8");

describe("the documented read-only RBAC", () => {
  it("grants get, list and watch on exactly the watched kinds", () => {
    const section = docs.slice(docs.indexOf("### Read-only RBAC"));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    const objects = parseAllDocuments(block).map((d) => d.toJS() as { kind: string; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] });
    const role = objects.find((o) => o.kind === "ClusterRole");
    const granted = (role?.rules ?? []).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${res}.${g} ${[...r.verbs].sort().join(",")}`)));
    expect(granted.sort()).toEqual(WATCHED_KINDS.map((k) => `${k.plural}.${k.group} get,list,watch`).sort());
    expect(objects.map((o) => o.kind)).toEqual(["ClusterRole", "ServiceAccount", "ClusterRoleBinding"]);
  });
});
