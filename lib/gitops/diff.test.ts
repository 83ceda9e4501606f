import { describe, expect, it } from "vitest";
import { unifiedDiff } from "./diff";

describe("unifiedDiff", () => {
  it("writes git-style headers for updates, creates and deletes", () => {
    const diff = unifiedDiff([
      { path: "apps/x/prod/k.yaml", action: "update", previous: "a: 1\nb: 2\n", content: "a: 1\nb: 3\n" },
      { path: "apps/x/prod/new.yaml", action: "create", previous: null, content: "kind: X\n" },
      { path: "apps/x/prod/old.yaml", action: "delete", previous: "kind: Y\n", content: null },
    ]);
    expect(diff).toBe(
      [
        "diff --git a/apps/x/prod/k.yaml b/apps/x/prod/k.yaml",
        "--- a/apps/x/prod/k.yaml",
        "+++ b/apps/x/prod/k.yaml",
        "@@ -1,2 +1,2 @@",
        " a: 1",
        "-b: 2",
        "+b: 3",
        "diff --git a/apps/x/prod/new.yaml b/apps/x/prod/new.yaml",
        "new file mode 100644",
        "--- /dev/null",
        "+++ b/apps/x/prod/new.yaml",
        "@@ -0,0 +1,1 @@",
        "+kind: X",
        "diff --git a/apps/x/prod/old.yaml b/apps/x/prod/old.yaml",
        "deleted file mode 100644",
        "--- a/apps/x/prod/old.yaml",
        "+++ /dev/null",
        "@@ -1,1 +0,0 @@",
        "-kind: Y",
        "",
      ].join("\n"),
    );
  });

  it("leaves out updates that change nothing", () => {
    expect(unifiedDiff([{ path: "a.yaml", action: "update", previous: "x\n", content: "x\n" }])).toBe("");
  });

  it("marks a missing final newline", () => {
    expect(unifiedDiff([{ path: "a.yaml", action: "update", previous: "x: 1", content: "x: 2" }])).toContain("\\ No newline at end of file");
  });
});
