// Test helper: builds real git repositories in temp directories. Only imported by *.test.ts files.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gitEnv } from "./git-env";

export interface TestCommit {
  files?: Record<string, string | Buffer>;
  remove?: string[];
  message: string;
  author?: { name: string; email: string };
  date?: string;
}

export class TestRepo {
  constructor(readonly dir: string) {}

  static create(prefix = "ferry-scm-"): TestRepo {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const repo = new TestRepo(dir);
    repo.git("init", "--quiet", "--initial-branch=main");
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync("git", ["-c", "commit.gpgsign=false", ...args], {
      cwd: this.dir,
      env: gitEnv({ GIT_CONFIG_GLOBAL: "/dev/null" }),
      encoding: "utf8",
    });
  }

  commit(c: TestCommit): string {
    for (const [p, content] of Object.entries(c.files ?? {})) {
      const full = path.join(this.dir, p);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
    for (const p of c.remove ?? []) fs.rmSync(path.join(this.dir, p), { recursive: true, force: true });
    const author = c.author ?? { name: "Test Author", email: "test@example.com" };
    const date = c.date ?? "2026-01-01T12:00:00+00:00";
    this.git("add", "-A");
    execFileSync("git", ["-c", `user.name=${author.name}`, "-c", `user.email=${author.email}`, "-c", "commit.gpgsign=false", "commit", "--quiet", "--allow-empty", "-m", c.message], {
      cwd: this.dir,
      env: gitEnv({ GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }),
    });
    return this.git("rev-parse", "HEAD").trim();
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
