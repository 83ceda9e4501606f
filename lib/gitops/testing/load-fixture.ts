import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FileTree } from "../model";

export const FIXTURES_DIR = path.resolve(import.meta.dirname, "../fixtures");

/** Files of a fixture that describe the test, not the repository. */
const META_FILES = new Set(["expected.json"]);

/** Load `lib/gitops/fixtures/<name>/` into a FileTree (the fixture's own expected.json excluded). */
export function loadFixture(name: string): FileTree {
  const root = path.join(FIXTURES_DIR, name);
  const tree = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relPath);
      else if (entry.isFile() && !(rel === "" && META_FILES.has(entry.name))) tree.set(relPath, readFileSync(path.join(dir, entry.name), "utf8"));
    }
  };
  walk(root, "");
  return tree;
}

export function fixtureDir(name: string): string {
  return path.join(FIXTURES_DIR, name);
}

export function listFixtures(): string[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
