import type { GitIdentity } from "../types";
import { runGit } from "./run-git";
import { identityEnv } from "./write-arguments";

export interface CommitTreeInput {
  tree: string;
  parents: string[];
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  timeoutMs?: number;
}

/** Writes a commit object for `tree`; no ref moves. The message goes through stdin, never argv. */
export async function commitTree(gitDir: string, input: CommitTreeInput): Promise<string> {
  // A server has no signing key: a user's commit.gpgSign must not make every promotion fail.
  const args = ["commit-tree", "--no-gpg-sign"];
  for (const parent of input.parents) args.push("-p", parent);
  args.push("-F", "-", input.tree);
  const message = input.message.endsWith("\n") ? input.message : `${input.message}\n`;
  const out = await runGit(args, { gitDir, env: identityEnv(input.author, input.committer), input: message, timeoutMs: input.timeoutMs });
  return out.trim();
}
