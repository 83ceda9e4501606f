import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { gitEnv } from "./git-env";
import { GitCommandError } from "./run-git";

/** What `git cat-file --batch-command` answers for one object. */
export type ObjectAnswer = { missing: true } | { missing: false; oid: string; type: string; size: number; body: Buffer | null };

interface Pending {
  withBody: boolean;
  resolve: (answer: ObjectAnswer) => void;
  reject: (error: Error) => void;
}

const ARGS = ["cat-file", "--batch-command"] as const;

/**
 * One long-lived `git cat-file --batch-command` per repository: blobs, trees and commits are read
 * through it without starting git again. Starting a process blocks the event loop for 15–30 ms on
 * these machines, and a sync used to start three or four of them; now a sync that reads nothing but
 * objects starts none. Requests are answered in the order they were written, so concurrent callers
 * share the process safely. Objects written after it started are found too (git re-scans its packs
 * when an object is not where it looked). It exits when idle, and is restarted on the next request.
 */
export class GitObjectReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private stderr = "";
  private idle: NodeJS.Timeout | null = null;
  private deadline: NodeJS.Timeout | null = null;

  constructor(
    private readonly gitDir: string,
    private readonly opts: { timeoutMs?: number; idleMs?: number } = {},
  ) {}

  /** Type and size of each object (`info`), in order; `missing` for an unknown name. */
  info(objects: readonly string[]): Promise<ObjectAnswer[]> {
    return this.request(objects.map((o) => ({ object: o, withBody: false })));
  }

  /** Type, size and content of each object (`contents`), in order. */
  contents(objects: readonly string[]): Promise<ObjectAnswer[]> {
    return this.request(objects.map((o) => ({ object: o, withBody: true })));
  }

  close(): void {
    this.stop(null);
  }

  private request(commands: { object: string; withBody: boolean }[]): Promise<ObjectAnswer[]> {
    if (commands.length === 0) return Promise.resolve([]);
    for (const c of commands) {
      // One command per line: a name with a line break would be read as two commands.
      if (/[\n\r]/.test(c.object)) return Promise.reject(new Error(`Refusing object name ${JSON.stringify(c.object)}`));
    }
    const child = this.start();
    const answers = commands.map(
      (c) =>
        new Promise<ObjectAnswer>((resolve, reject) => {
          this.pending.push({ withBody: c.withBody, resolve, reject });
        }),
    );
    this.armDeadline();
    child.stdin.write(commands.map((c) => `${c.withBody ? "contents" : "info"} ${c.object}\n`).join(""));
    return Promise.all(answers);
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (this.child) return this.child;
    const child = spawn("git", [`--git-dir=${this.gitDir}`, ...ARGS], { env: gitEnv(), stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    this.buffer = Buffer.alloc(0);
    this.stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      if (this.child !== child) return;
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      // The time limit is for a reader that stopped answering, not for a long batch that is progressing.
      if (this.deadline) clearTimeout(this.deadline);
      this.deadline = null;
      this.drain();
      if (this.pending.length) this.armDeadline();
    });
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString("utf8")));
    child.stdin.on("error", () => undefined); // an early exit shows up as the exit below, with git's message
    child.on("error", (error) => this.stop(new GitCommandError(ARGS, null, "", { cause: error, detail: error.message }), child));
    child.on("close", (code) => this.stop(new GitCommandError(ARGS, code, this.stderr || "cat-file exited"), child));
    // An idle reader must not keep a CLI or a test process alive.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    return child;
  }

  /** Resolves every complete answer at the front of the buffer. */
  private drain(): void {
    while (this.pending.length) {
      const eol = this.buffer.indexOf(0x0a);
      if (eol < 0) return;
      const header = this.buffer.toString("utf8", 0, eol);
      const next = this.pending[0]!;
      const parts = header.split(" ");
      if (parts.length === 2 && (parts[1] === "missing" || parts[1] === "ambiguous")) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.pending.shift();
        next.resolve({ missing: true });
        continue;
      }
      const size = Number(parts[2]);
      if (parts.length !== 3 || !Number.isInteger(size)) {
        this.stop(new Error(`Unexpected cat-file answer: ${header.slice(0, 200)}`));
        return;
      }
      let body: Buffer | null = null;
      if (next.withBody) {
        if (this.buffer.length < eol + 1 + size + 1) return; // the content (and its newline) is not all here yet
        body = Buffer.from(this.buffer.subarray(eol + 1, eol + 1 + size));
        this.buffer = this.buffer.subarray(eol + 1 + size + 1);
      } else {
        this.buffer = this.buffer.subarray(eol + 1);
      }
      this.pending.shift();
      next.resolve({ missing: false, oid: parts[0]!, type: parts[1]!, size, body });
    }
    if (this.pending.length === 0) this.settle();
  }

  private armDeadline(): void {
    if (this.deadline) return;
    const timeoutMs = this.opts.timeoutMs ?? 120_000;
    this.deadline = setTimeout(() => this.stop(new GitCommandError(ARGS, null, "", { detail: "timed out" })), timeoutMs);
    this.deadline.unref();
  }

  /** Nothing is waiting: no deadline, and the process goes away unless it is used again soon. */
  private settle(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(null), this.opts.idleMs ?? 15_000);
    this.idle.unref();
  }

  /** Ends the process; waiting requests fail with `error` (a plain close fails nobody: nothing waits). */
  private stop(error: Error | null, which: ChildProcessWithoutNullStreams | null = this.child): void {
    if (which !== this.child || !this.child) return;
    const child = this.child;
    this.child = null;
    for (const timer of [this.idle, this.deadline]) if (timer) clearTimeout(timer);
    this.idle = this.deadline = null;
    const waiting = this.pending;
    this.pending = [];
    this.buffer = Buffer.alloc(0);
    child.stdin.end();
    if (waiting.length) child.kill();
    for (const p of waiting) p.reject(error ?? new GitCommandError(ARGS, null, "", { detail: "closed" }));
  }
}
