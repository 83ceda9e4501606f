import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkoutReadOptions, originUrl } from "./checkout-branch";

const root = mkdtempSync(path.join(os.tmpdir(), "ferry-checkout-"));
const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { cwd, env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("how the CLI reads a checkout", () => {
  it("knows a checkout by its origin's URL, on its branch, named after its folder", async () => {
    const dir = path.join(root, "Deploy.Repo");
    git(root, "init", "-q", "-b", "production", dir);
    git(dir, "remote", "add", "upstream", "https://git.example.com/fork/deploy.git");
    git(dir, "remote", "add", "origin", "git@git.example.com:acme/deploy.git");
    expect(await checkoutReadOptions(dir)).toEqual({ rootAppName: "Deploy.Repo", branch: "production", repositoryUrl: "git@git.example.com:acme/deploy.git" });
  });

  it("finds the origin of a linked worktree in the main checkout's config", async () => {
    const dir = path.join(root, "main");
    git(root, "init", "-q", "-b", "main", dir);
    git(dir, "remote", "add", "origin", "https://git.example.com/acme/deploy.git");
    git(dir, "commit", "-q", "--allow-empty", "-m", "first");
    git(dir, "worktree", "add", "-q", "-b", "other", path.join(root, "wt"));
    expect(await originUrl(path.join(root, "wt"))).toBe("https://git.example.com/acme/deploy.git");
  });

  it("has no URL for a folder that is not a checkout, or one without origin", async () => {
    expect(await originUrl(os.tmpdir())).toBeUndefined();
    const dir = path.join(root, "local");
    git(root, "init", "-q", dir);
    expect(await originUrl(dir)).toBeUndefined();
  });
});
