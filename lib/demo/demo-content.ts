import fs from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";

// The demo repositories' content lives in the project as folders of commits (demo/repos/<repo>/commits/NNN-slug/)
// plus commits.yaml with each commit's message, author and date, so their history is reviewable and
// replays to the same commit shas on every machine.

const commitSchema = z.strictObject({
  dir: z.string().regex(/^\d{3}-[a-z0-9.-]+$/, "must look like NNN-slug"),
  message: z.string().min(1),
  author: z.strictObject({ name: z.string().min(1), email: z.string().email() }),
  // Fixed dates with an offset: the history must not depend on the clock or the machine's time zone.
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/, "must be an ISO date-time with offset"),
});
const commitsFileSchema = z.strictObject({ commits: z.array(commitSchema).min(1) });

export type DemoCommit = z.infer<typeof commitSchema>;

/** File that lists repo-relative paths (one per line) a commit deletes. */
export const DELETE_LIST = ".ferry-delete";

export interface DemoRepoContent {
  name: string;
  /** demo/repos/<name> */
  dir: string;
  commits: DemoCommit[];
}

export function defaultDemoDir(): string {
  return path.join(process.cwd(), "demo", "repos");
}

export async function readDemoContent(demoDir: string): Promise<DemoRepoContent[]> {
  const entries = await fs.readdir(demoDir, { withFileTypes: true });
  const repos: DemoRepoContent[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(demoDir, entry.name);
    const file = path.join(dir, "commits.yaml");
    const parsed = commitsFileSchema.safeParse(parse(await fs.readFile(file, "utf8")));
    if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
    for (const commit of parsed.data.commits) {
      const stat = await fs.stat(path.join(dir, "commits", commit.dir)).catch(() => null);
      if (!stat?.isDirectory()) throw new Error(`${file}: commit folder commits/${commit.dir} does not exist`);
    }
    repos.push({ name: entry.name, dir, commits: parsed.data.commits });
  }
  return repos;
}

/** Repo-relative paths of every file a commit folder adds or overwrites (the delete list excluded). */
export async function listCommitFiles(commitDir: string): Promise<string[]> {
  const files: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const entry of await fs.readdir(path.join(commitDir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() && child !== DELETE_LIST) files.push(child);
    }
  }
  await walk("");
  return files.sort();
}

export async function readDeleteList(commitDir: string): Promise<string[]> {
  const text = await fs.readFile(path.join(commitDir, DELETE_LIST), "utf8").catch(() => "");
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}
