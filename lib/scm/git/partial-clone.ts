import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { ForgeUnavailableError, RefNotFoundError } from "../errors";
import type { ForgeName } from "../forge-limits";
import { redactUrl } from "./location";
import { isUsableMirror } from "./mirror";
import { withLockFile } from "./repository-lock";
import { GitCommandError, runGit } from "./run-git";
import { GitTimeoutError, runNetworkGit } from "./run-network-git";

// A bare partial clone (`--filter=blob:none`) of one remote repository (GitHub, GitLab or a plain git
// URL): commits and trees of the branches Ferry reads, and only the blobs Ferry asked for, fetched in
// one batch. Each poll is one `git fetch` (an unchanged branch costs the ref advertisement and nothing
// more). A server that ignores the filter sends every blob (git warns and carries on); one that refuses
// requests for single objects gets one full fetch, and the clone fetches without a filter from then on.
//
// The clone's own config names no promisor remote: only Ferry's fetches (below) say that the remote
// may lack blobs, through their environment. So a read command (ls-tree, log, cat-file) never
// fetches behind Ferry's back, one blob at a time and without credentials; a blob not fetched yet
// reads as missing and readBlobs fetches all such blobs in one request.
//
// Credentials go to git as an `http.<origin>/.extraHeader` in GIT_CONFIG_* variables: never in the
// URL, the argument list or a file. Fetches take turns (an in-process queue and a lock file, for
// portal replicas sharing the data dir), and the clone is only a cache: a broken one is re-created.

export interface GitCredentials {
  /** Basic auth user name the forge expects with a token ("x-access-token" on GitHub, "oauth2" on GitLab). */
  username: string;
  token(): Promise<string>;
  /** Forget a token the forge refused; true when a fresh one may be worth a second try. */
  invalidate?(rejected: string): boolean;
}

export interface PartialCloneOptions {
  /** Configured repository name (messages). */
  repository: string;
  /** Who serves it (messages): a forge, or "the git remote" of a plain git URL. */
  forge: ForgeName | "the git remote";
  /** URL of the repository (https for a forge, any git URL for plain git), without credentials for a forge. */
  url: string;
  /** The bare repository's directory. */
  dir: string;
  /** A forge's token; none for plain git (its URL, ssh keys or the machine's credential helpers authenticate). */
  credentials?: GitCredentials;
  /** A fetch without an answer for this long is stopped (FERRY_FORGE_TIMEOUT_SECONDS). */
  timeoutMs: number;
}

const LOCK_FILE = "ferry-fetch.lock";
const FETCH = ["fetch", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", "--progress"];
const FILTER = "--filter=blob:none";
/** Set in the clone's config once its remote refused a request for single objects: fetch everything from then on. */
const NO_FILTER_KEY = "ferry.fetchAllBlobs";
/** Stderr of a fetch of objects by id that the server does not allow (protocol v0 without uploadpack.allowAnySHA1InWant). */
export const UNADVERTISED_REFUSED = /not allow request for unadvertised object|not our ref/i;
const ALL_REFS = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];
/** Stderr of a fetch whose remote has no such ref. */
const NO_SUCH_REF = /couldn't find remote ref|no such remote ref|not our ref|remote error: .*not found/i;
/** Stderr of a fetch the forge refused or could not serve (the clone itself is fine). */
/** Stderr of a fetch that may well work a moment later (the forge's 5xx, a dropped connection): tried once more. */
const TRANSIENT = /returned error: 5\d\d|Connection reset|remote end hung up|early EOF|RPC failed/i;
const REMOTE_PROBLEM = /returned error: \d{3}|could not read Username|Authentication failed|Could not resolve host|Failed to connect|Connection refused|Connection reset|timed out|SSL|unable to access|remote end hung up|RPC failed|early EOF|Could not read from remote repository|does not appear to be a git repository|Permission denied|unadvertised object/i;

export class PartialClone {
  private queue: Promise<unknown> = Promise.resolve();
  private checked: Promise<void> | null = null;
  /** False once the remote refused single-object requests (read from the clone's config). */
  private filtered = true;

  constructor(private readonly opts: PartialCloneOptions) {}

  get dir(): string {
    return this.opts.dir;
  }

  /** The clone's directory once it exists (an empty repository on first use: nothing fetched yet). */
  async gitDir(): Promise<string> {
    this.checked ??= this.ensure().catch((error: unknown) => {
      this.checked = null;
      throw error;
    });
    await this.checked;
    return this.opts.dir;
  }

  /**
   * Fetches `refs` (full names, e.g. refs/heads/main) into the same names, forced: the forge's state
   * wins. @throws RefNotFoundError when the forge has no such ref
   */
  fetchRefs(refs: readonly string[]): Promise<void> {
    return this.fetch(() => [...this.fetchArgs(), "origin", ...refs.map((ref) => `+${ref}:${ref}`)], undefined, refs.join(", "));
  }

  /** Every branch and tag in one request, forced and pruned (plain git keeps its change requests on branches). */
  fetchAll(): Promise<void> {
    return this.fetch(() => [...this.fetchArgs(), "--prune", "origin", ...ALL_REFS], undefined, "all branches and tags");
  }

  /**
   * The fallback for a remote that refuses requests for single objects: every branch and tag again
   * with all their blobs (`--refetch`: what the clone has already does not count), in one request;
   * later fetches ask for no filter.
   */
  fetchEverything(): Promise<void> {
    return this.fetch(
      async () => {
        await runGit(["config", NO_FILTER_KEY, "true"], { gitDir: await this.gitDir() });
        this.filtered = false;
        return [...FETCH, "--refetch", "--prune", "origin", ...ALL_REFS];
      },
      undefined,
      "all branches and tags with their files",
    );
  }

  /** Fetches objects by id (commits with their trees, or blobs) in one request. */
  fetchObjects(shas: readonly string[]): Promise<void> {
    if (shas.length === 0) return Promise.resolve();
    // noop negotiation: the wanted objects are named exactly; advertising local history would only cost bytes.
    return this.fetch(() => ["-c", "fetch.negotiationAlgorithm=noop", ...this.fetchArgs(), "--stdin", "origin"], `${shas.join("\n")}\n`, `${shas.length} object(s)`);
  }

  private fetchArgs(): string[] {
    return this.filtered ? [...FETCH, FILTER] : FETCH;
  }

  /** Throws the clone away (it is only a cache) and starts an empty one. */
  async recreate(): Promise<void> {
    await this.turn(() => this.discard());
    await this.gitDir();
  }

  private fetch(args: () => string[] | Promise<string[]>, input: string | undefined, what: string): Promise<void> {
    return this.turn(async () => {
      const run = async (token: string | null) =>
        runNetworkGit(await args(), {
          gitDir: await this.gitDir(),
          env: this.networkEnv(token),
          idleTimeoutMs: this.opts.timeoutMs,
          totalTimeoutMs: Math.max(this.opts.timeoutMs * 20, 600_000),
          input,
        });
      const credentials = this.opts.credentials;
      const token = credentials ? await credentials.token() : null;
      try {
        await run(token);
        return;
      } catch (error) {
        const retry = (refused(error) && token !== null && credentials?.invalidate?.(token)) || (error instanceof GitCommandError && TRANSIENT.test(error.stderr));
        // Not the forge's answer: the clone is broken (a half-written pack, a deleted file). Start over once.
        const broken = error instanceof GitCommandError && !REMOTE_PROBLEM.test(error.stderr) && !NO_SUCH_REF.test(error.stderr);
        if (!retry && !broken) throw this.failure(error, what);
        if (broken) await this.discard();
        try {
          await run(retry && credentials ? await credentials.token() : token);
        } catch (again) {
          throw this.failure(again, what);
        }
      }
    });
  }

  private async discard(): Promise<void> {
    await fs.rm(this.opts.dir, { recursive: true, force: true });
    this.checked = null;
  }

  /** One fetch (or re-creation) at a time: in this process through a queue, across processes through a lock file. */
  private turn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(async () => {
      await fs.mkdir(path.dirname(this.opts.dir), { recursive: true });
      return withLockFile(`${this.opts.dir}.${LOCK_FILE}`, fn, Math.max(this.opts.timeoutMs * 4, 120_000));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A usable bare repository in `dir`: kept when it is one for this URL, else (re-)created. */
  private async ensure(): Promise<void> {
    const { dir, url } = this.opts;
    if ((await isUsableMirror(dir)) && (await remoteUrl(dir)) === url) {
      this.filtered = !(await configFlag(dir, NO_FILTER_KEY));
      return;
    }
    this.filtered = true;
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(path.dirname(dir), { recursive: true });
    // Made next to the target and renamed: a half-made clone never looks like one.
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      await runGit(["init", "--bare", "--quiet", tmp]);
      await runGit(["config", "remote.origin.url", url], { gitDir: tmp });
      // Packs from many small fetches are combined by `git maintenance --auto` after fetches.
      await runGit(["config", "core.logAllRefUpdates", "false"], { gitDir: tmp });
      try {
        await fs.rename(tmp, dir);
      } catch (error) {
        // Another process made it first: use that one.
        if (!(await isUsableMirror(dir))) throw error;
      }
    } catch (error) {
      throw new ForgeUnavailableError(this.opts.repository, `Could not create the local clone of "${this.opts.repository}" in ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  private networkEnv(token: string | null): Record<string, string> {
    const config: [string, string][] = [];
    if (token !== null && this.opts.credentials) {
      const origin = new URL(this.opts.url).origin;
      const basic = Buffer.from(`${this.opts.credentials.username}:${token}`).toString("base64");
      // Scoped to the forge's origin: a redirect to another host does not get the token.
      config.push([`http.${origin}/.extraHeader`, `Authorization: Basic ${basic}`]);
      // No credential helper of the machine's user is asked, and none stores the token.
      config.push(["credential.helper", ""]);
    }
    // For this fetch only, origin is a promisor remote: it may leave blobs out (see the top of the file).
    config.push(["remote.origin.promisor", "true"]);
    // A promisor remote's filter is also the default of a fetch without --filter: only while filtering.
    if (this.filtered) config.push(["remote.origin.partialCloneFilter", "blob:none"]);
    const env: Record<string, string> = { GIT_CONFIG_COUNT: String(config.length) };
    config.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = key;
      env[`GIT_CONFIG_VALUE_${i}`] = value;
    });
    return env;
  }

  private failure(error: unknown, what: string): Error {
    const { repository, forge, url } = this.opts;
    if (error instanceof GitTimeoutError) {
      const limit = `${Math.round(error.afterMs / 100) / 10} s`;
      return new ForgeUnavailableError(repository, error.idle ? `${forge} did not answer git fetch of ${what} within ${limit} (FERRY_FORGE_TIMEOUT_SECONDS); the fetch was stopped.` : `git fetch of ${what} from ${forge} took longer than ${limit} and was stopped.`, {
        cause: error,
      });
    }
    if (error instanceof GitCommandError) {
      if (NO_SUCH_REF.test(error.stderr)) return new RefNotFoundError(repository, what, { cause: error });
      if (refused(error)) {
        return new ForgeUnavailableError(repository, `${forge} (${hostOf(url)}) could not fetch ${what} of "${repository}" over git: the credentials were rejected (HTTP ${httpStatus(error) ?? 401}). Check that the token may read the repository.`, { cause: error });
      }
      const message = error.stderr.split("\n").filter((l) => /^(fatal|error|remote):/.test(l.trim())).slice(0, 2).join(" ").replace(/^(fatal|error): /, "") || error.message;
      return new ForgeUnavailableError(repository, `Could not fetch ${what} of "${repository}" from ${redactUrl(url)}: ${redactUrl(message)}`, { cause: error });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return redactUrl(url); // scp-like (git@host:path): no URL syntax
  }
}

function refused(error: unknown): boolean {
  return error instanceof GitCommandError && (/could not read Username|Authentication failed/i.test(error.stderr) || [401, 403].includes(httpStatus(error) ?? 0));
}

function httpStatus(error: GitCommandError): number | null {
  const match = /returned error: (\d{3})/.exec(error.stderr);
  return match ? Number(match[1]) : null;
}

async function configFlag(dir: string, key: string): Promise<boolean> {
  try {
    return (await runGit(["config", "--bool", "--get", key], { gitDir: dir })).trim() === "true";
  } catch {
    return false;
  }
}

async function remoteUrl(dir: string): Promise<string | null> {
  try {
    return (await runGit(["config", "--get", "remote.origin.url"], { gitDir: dir })).trim();
  } catch {
    return null;
  }
}
