import { GitCommandError, runGit } from "./run-git";

// Every ref Ferry moves is moved with compare-and-swap: the caller says what it believes the ref
// points at (null = must not exist), and the update only happens if that is still true. Two portal
// replicas (or a user's `git push`) racing for the same branch therefore end with one winner and
// one "moved" answer, never with an update silently lost.

/**
 * The outcome of a compare-and-swap: `actual` is what the ref points at now (null = absent). When it
 * still equals the expected value, the update was refused for `reason` rather than lost to a race.
 */
export type CasResult = { ok: true } | { ok: false; actual: string | null; reason?: string };

export interface CasInput {
  /** Full ref name, e.g. refs/heads/main. */
  ref: string;
  /** New value, or null to delete the ref. */
  newSha: string | null;
  /** Expected current value, or null when the ref must not exist yet. */
  expected: string | null;
  /** Object id length of the repository (40 for SHA-1, 64 for SHA-256). */
  idLength: number;
  timeoutMs?: number;
}

// Messages of update-ref when the old value did not match or another writer holds the lock.
const LOST_RACE = /cannot lock ref|\.lock'?: File exists|reference already exists|but expected|is at [0-9a-f]+ but/i;

/** Moves a ref of a repository on this machine with `git update-ref <ref> <new> <old>`. */
export async function updateRefLocal(gitDir: string, input: CasInput): Promise<CasResult> {
  const zero = "0".repeat(input.idLength);
  const args = input.newSha === null ? ["update-ref", "-d", input.ref, input.expected ?? zero] : ["update-ref", input.ref, input.newSha, input.expected ?? zero];
  try {
    await runGit(args, { gitDir, timeoutMs: input.timeoutMs });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof GitCommandError) || !LOST_RACE.test(error.stderr)) throw error;
    return { ok: false, actual: await readRef(gitDir, input.ref, input.timeoutMs) };
  }
}

/**
 * Moves a ref of another repository with `git push --force-with-lease=<ref>:<expected>`: the receiving
 * side checks the expected value under its ref lock, so this is a compare-and-swap over the wire.
 * Also used to move a checked-out branch of a local repository (`target` = its git dir), because
 * receive-pack applies receive.denyCurrentBranch (updateInstead updates the working tree with it).
 */
export async function pushWithLease(gitDir: string, target: string, input: CasInput): Promise<CasResult> {
  const refspec = input.newSha === null ? `:${input.ref}` : `${input.newSha}:${input.ref}`;
  const args = ["push", "--porcelain", "--no-verify", `--force-with-lease=${input.ref}:${input.expected ?? ""}`, target, refspec];
  try {
    await runGit(args, { gitDir, timeoutMs: input.timeoutMs });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    const rejection = porcelainRejection(error.stdout, input.ref);
    if (rejection === null) throw error;
    // Whatever the wording ("stale info" from our lease, "failed to update ref" when the receiving
    // side's own compare-and-swap lost), the ref having moved is what tells a lost race from a refusal
    // (hook, protected branch, dirty working tree), where it still points at `expected`.
    return { ok: false, actual: await readRemoteRef(gitDir, target, input.ref, input.timeoutMs), reason: rejection };
  }
}

/** The rejection summary `push --porcelain` printed for `ref`, or null if it did not reject it. */
function porcelainRejection(stdout: string, ref: string): string | null {
  for (const line of stdout.split("\n")) {
    const [flag, spec, summary] = line.split("\t");
    if (flag === "!" && spec?.endsWith(`:${ref}`)) return (summary ?? "rejected").trim();
  }
  return null;
}

/** Current value of a ref, or null if it does not exist. */
export async function readRef(gitDir: string, ref: string, timeoutMs?: number): Promise<string | null> {
  try {
    return (await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", ref], { gitDir, timeoutMs })).trim();
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode === 1) return null;
    throw error;
  }
}

async function readRemoteRef(gitDir: string, target: string, ref: string, timeoutMs?: number): Promise<string | null> {
  const out = await runGit(["ls-remote", target, ref], { gitDir, timeoutMs });
  for (const line of out.split("\n")) {
    const [sha, name] = line.split("\t");
    if (name === ref && sha) return sha;
  }
  return null;
}
