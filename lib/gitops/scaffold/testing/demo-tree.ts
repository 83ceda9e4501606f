// Test helper: the final file tree of a demo repository (demo/repos/<name>/commits replayed in order).
import fs from "node:fs";
import path from "node:path";

const DEMO = path.resolve(import.meta.dirname, "../../../../demo/repos");

export function demoTree(name: string): Map<string, string> {
  const root = path.join(DEMO, name, "commits");
  const tree = new Map<string, string>();
  for (const commit of fs.readdirSync(root).sort()) {
    const dir = path.join(root, commit);
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === ".ferry-delete") for (const del of fs.readFileSync(p, "utf8").split("\n").filter(Boolean)) tree.delete(del.trim());
        else tree.set(path.relative(dir, p).split(path.sep).join("/"), fs.readFileSync(p, "utf8"));
      }
    };
    walk(dir);
  }
  return tree;
}
