import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRepository } from "../gitops/read";
import { skippedFilesOf } from "../gitops/read/skipped-files";
import { escapeBytes, loadTree, MAX_READ_BYTES } from "./load-tree";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/ferry.js");

const OVERLAY = "apps/web/overlays/production";
const BAD_NAME = Buffer.concat([Buffer.from("caf"), Buffer.from([0xe9]), Buffer.from(".yaml")]); // Latin-1 "café.yaml"
const BAD_DIR = Buffer.concat([Buffer.from("d"), Buffer.from([0xff, 0xfe])]);

let dir: string;

/** A checkout with every hostile file the loader must report instead of read. */
function hostileCheckout(): string {
  const root = mkdtempSync(path.join(tmpdir(), "ferry-load-tree-"));
  const w = (rel: string, content: string | Buffer) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  };
  w("apps/web/base/kustomization.yaml", "resources:\n  - deployment.yaml\n");
  w("apps/web/base/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n");
  w(`${OVERLAY}/kustomization.yaml`, "resources:\n  - ../../base\n  - big.yaml\n  - link.yaml\n  - latin.yaml\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 1.2.0\n");
  w("apps/web/overlays/staging/kustomization.yaml", "resources:\n  - ../../base\n");
  // Over the limit without writing 10 MB: a sparse file.
  const fd = openSync(path.join(root, OVERLAY, "big.yaml"), "w");
  ftruncateSync(fd, MAX_READ_BYTES + 1);
  closeSync(fd);
  symlinkSync("/etc/passwd", path.join(root, OVERLAY, "link.yaml"));
  // "café: true" in Latin-1: 0xE9 alone is not UTF-8.
  w(`${OVERLAY}/latin.yaml`, Buffer.from([...Buffer.from("caf"), 0xe9, ...Buffer.from(": true\n")]));
  w("docs/logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  // Names that are not UTF-8: Buffer paths, since a string path cannot hold these bytes.
  writeFileSync(Buffer.concat([Buffer.from(`${root}/apps/web/`), BAD_NAME]), "a: 1\n");
  mkdirSync(Buffer.concat([Buffer.from(`${root}/`), BAD_DIR]));
  writeFileSync(Buffer.concat([Buffer.from(`${root}/`), BAD_DIR, Buffer.from("/x.yaml")]), "a: 1\n");
  return root;
}

beforeAll(() => {
  dir = hostileCheckout();
});

afterAll(() => {
  spawnSync("rm", ["-rf", dir]);
});

describe("escapeBytes", () => {
  it("keeps valid UTF-8 and escapes every other byte", () => {
    expect(escapeBytes(Buffer.from("größe.yaml"))).toBe("größe.yaml");
    expect(escapeBytes(BAD_NAME)).toBe("caf\\xe9.yaml");
    expect(escapeBytes(Buffer.from([0xc0, 0xaf, 0x61]))).toBe("\\xc0\\xafa"); // overlong "/" stays escaped
    expect(escapeBytes(Buffer.from([0xed, 0xa0, 0x80]))).toBe("\\xed\\xa0\\x80"); // a UTF-16 surrogate
    expect(escapeBytes(Buffer.concat([Buffer.from("a\\"), Buffer.from([0xff])]))).toBe("a\\\\\\xff");
  });
});

describe("loadTree on hostile files", () => {
  it("reads what is readable and reports every other file with its reason", async () => {
    const loaded = await loadTree(dir);
    expect([...loaded.tree.keys()].sort()).toEqual([
      "apps/web/base/deployment.yaml",
      "apps/web/base/kustomization.yaml",
      `${OVERLAY}/kustomization.yaml`,
      "apps/web/overlays/staging/kustomization.yaml",
    ]);
    expect(Object.fromEntries(loaded.skipped)).toEqual({
      "apps/web/caf\\xe9.yaml": "file name is not valid UTF-8 (shown with \\xNN escapes), not read",
      [`${OVERLAY}/big.yaml`]: `file larger than 10 MB (${MAX_READ_BYTES + 1} bytes), not read`,
      [`${OVERLAY}/latin.yaml`]: "not valid UTF-8, not read",
      [`${OVERLAY}/link.yaml`]: "symlink, not followed (it could point outside the repository)",
      "d\\xff\\xfe": "folder name is not valid UTF-8 (shown with \\xNN escapes); nothing in it was read",
      "docs/logo.png": "binary file (NUL bytes), not read",
    });
    // Errors name file and reason; a binary non-manifest (an image) is one note, not an error.
    expect(loaded.errors.map((e) => e.file)).toEqual([...loaded.skipped.keys()].filter((f) => f !== "docs/logo.png").sort());
    expect(loaded.notes).toEqual(["1 file not read because it is not UTF-8 text (binary or another encoding): docs/logo.png"]);
    expect(skippedFilesOf(loaded.tree)).toBe(loaded.skipped);
  });

  it("puts the reason on the cell that lists a skipped file, not 'not found'", async () => {
    const { tree } = await loadTree(dir);
    const model = readRepository(tree);
    const cell = model.deployments.find((d) => d.app === "web" && d.env === "production");
    expect(cell?.versions.map((v) => v.value)).toEqual(["1.2.0"]);
    expect(cell?.errors).toEqual([
      `${OVERLAY}/big.yaml: file larger than 10 MB (${MAX_READ_BYTES + 1} bytes), not read`,
      `${OVERLAY}/link.yaml: symlink, not followed (it could point outside the repository)`,
      `${OVERLAY}/latin.yaml: not valid UTF-8, not read`,
    ]);
    expect(cell?.errors.join("\n")).not.toMatch(/not found/);
  });

  it("keeps a byte order mark, so a promotion rewrites the file as it was", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "ferry-load-bom-"));
    writeFileSync(path.join(root, "a.yaml"), "\uFEFFa: 1\n");
    expect((await loadTree(root)).tree.get("a.yaml")).toBe("\uFEFFa: 1\n");
  });
});

describe("ferry scan / promote on hostile files (child process)", () => {
  const ferry = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

  it("scan exits 0 and prints valid JSON naming each skipped file and why", () => {
    const res = ferry("scan", dir, "--json");
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    const parsed = JSON.parse(res.stdout) as { errors: { file: string; message: string }[] };
    expect(parsed.errors).toContainEqual({ file: "apps/web/caf\\xe9.yaml", message: "file name is not valid UTF-8 (shown with \\xNN escapes), not read" });
    expect(parsed.errors).toContainEqual({ file: `${OVERLAY}/big.yaml`, message: `file larger than 10 MB (${MAX_READ_BYTES + 1} bytes), not read` });
  });

  it("promote does not crash and refuses a cell with a file it could not read, naming it", () => {
    const res = ferry("promote", dir, "--app", "web", "--from", "staging", "--to", "production", "--json");
    expect(res.stderr).toBe("");
    const report = JSON.parse(res.stdout) as { status: string; message: string };
    expect(report.status).toBe("refused");
    expect(report.message).toContain(`${OVERLAY}/big.yaml: file larger than 10 MB`);
  });
});
