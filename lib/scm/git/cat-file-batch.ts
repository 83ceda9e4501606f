import { spawn } from "node:child_process";
import type { GitObjectReader } from "./object-reader";
import { gitEnv } from "./git-env";
import { GitCommandError } from "./run-git";

export type BatchBlob = { kind: "text"; text: string } | { kind: "binary" } | { kind: "missing" };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Git's own heuristic: a NUL byte in the first 8000 bytes makes a file binary. */
function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

function decode(bytes: Buffer): BatchBlob {
  if (looksBinary(bytes)) return { kind: "binary" };
  try {
    // ignoreBOM keeps a leading BOM in the text: the content must round-trip byte for byte.
    return { kind: "text", text: utf8.decode(bytes) };
  } catch {
    return { kind: "binary" };
  }
}

/**
 * Reads many objects through ONE `git cat-file --batch` process: object ids go to stdin, the
 * answers (`<sha> <type> <size>\n<bytes>\n` or `<sha> missing\n`) come back in the same order.
 */
export function catFileBatch(gitDir: string, shas: readonly string[], timeoutMs = 120_000): Promise<Map<string, BatchBlob>> {
  return new Promise((resolve, reject) => {
    const args = ["cat-file", "--batch"];
    const child = spawn("git", [`--git-dir=${gitDir}`, ...args], { env: gitEnv(), stdio: ["pipe", "pipe", "pipe"], timeout: timeoutMs });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", (error) => reject(new GitCommandError(args, null, "", { cause: error, detail: error.message })));
    // The child may exit early (e.g. not a repository) while we are still writing: that surfaces as EPIPE here
    // and as a non-zero exit below, which carries the useful message.
    child.stdin.on("error", () => undefined);
    child.on("close", (code) => {
      if (code !== 0) return reject(new GitCommandError(args, code, stderr));
      try {
        resolve(parseBatchOutput(Buffer.concat(chunks), shas));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(shas.map((s) => `${s}\n`).join(""));
  });
}

function parseBatchOutput(out: Buffer, shas: readonly string[]): Map<string, BatchBlob> {
  const result = new Map<string, BatchBlob>();
  let pos = 0;
  for (const requested of shas) {
    const eol = out.indexOf(0x0a, pos);
    if (eol < 0) throw new Error(`cat-file --batch ended early, at ${requested}`);
    const header = out.toString("utf8", pos, eol);
    pos = eol + 1;
    const parts = header.split(" ");
    if (parts[1] === "missing" || parts[1] === "ambiguous") {
      result.set(requested, { kind: "missing" });
      continue;
    }
    const size = Number(parts[2]);
    if (parts.length !== 3 || !Number.isInteger(size)) throw new Error(`Unexpected cat-file header: ${header}`);
    const body = out.subarray(pos, pos + size);
    pos += size + 1; // content is followed by a newline
    // A sha of a tree or commit is not a file: report it like a missing blob.
    result.set(requested, parts[1] === "blob" ? decode(body) : { kind: "missing" });
  }
  return result;
}

/** As catFileBatch, through the repository's long-lived object reader (no new process). */
export async function readBlobObjects(reader: GitObjectReader, shas: readonly string[]): Promise<Map<string, BatchBlob>> {
  const answers = await reader.contents(shas);
  return new Map(shas.map((sha, i): [string, BatchBlob] => {
    const answer = answers[i]!;
    // A sha of a tree or commit is not a file: reported like a missing blob.
    return [sha, answer.missing || answer.type !== "blob" || !answer.body ? { kind: "missing" } : decode(answer.body)];
  }));
}
