// Test-only support (uses fs and child_process, which lib/gitops code proper never does).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FileEdit } from "../change-set";
import type { Deployment, FileTree, Version } from "../model";

const FIXTURES = path.join(import.meta.dirname, "fixtures");
export const KUBECTL = "/usr/bin/kubectl";
export const hasKubectl = existsSync(KUBECTL);

export function fixtureTree(name: string): Map<string, string> {
  const root = path.join(FIXTURES, name);
  const tree = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else tree.set(path.relative(root, full).split(path.sep).join("/"), readFileSync(full, "utf8"));
    }
  };
  walk(root);
  return tree;
}

export function applyEdits(tree: FileTree, edits: readonly FileEdit[]): Map<string, string> {
  const out = new Map(tree);
  for (const e of edits) {
    if (e.action === "delete") out.delete(e.path);
    else out.set(e.path, e.content ?? "");
  }
  return out;
}

/** `kubectl kustomize <dir>` of a tree written to a temp folder. */
export function render(tree: FileTree, dir: string): string {
  const root = mkdtempSync(path.join(tmpdir(), "ferry-promote-"));
  try {
    for (const [p, text] of tree) {
      const full = path.join(root, p);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
    return execFileSync(KUBECTL, ["kustomize", path.join(root, dir)], { encoding: "utf8" });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The `-`/`+` lines of a unified diff, without the `---`/`+++` headers. */
export function changedLines(diff: string): string[] {
  return diff.split("\n").filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
}

export function version(v: Partial<Version> & Pick<Version, "name" | "value" | "file" | "path">): Version {
  return { kind: "image", floating: false, doc: 0, field: v.path.join("."), ...v };
}

export function deployment(app: string, env: string, dirPath: string, versions: Version[], files: string[] = []): Deployment {
  return { app, env, path: dirPath, versions, errors: [], files };
}

export const BASE = { baseSha: "0123456789abcdef0123456789abcdef01234567", repository: "acme/gitops" };
