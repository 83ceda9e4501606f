// The environment every git process of Ferry runs with. Git reads a lot from its environment;
// pinning it keeps the portal's behaviour independent of who starts it and from where.

/** Variables that would redirect git to another repository, index or object store (e.g. when run from a git hook). */
const REDIRECTING_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_NAMESPACE",
  "GIT_COMMON_DIR",
  "GIT_CEILING_DIRECTORIES",
  "GIT_DISCOVERY_ACROSS_FILESYSTEM",
  "GIT_CONFIG",
  "GIT_CONFIG_PARAMETERS",
  "GIT_CONFIG_COUNT",
];

export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of REDIRECTING_VARS) delete env[name];
  return {
    ...env,
    // A server process has no terminal: fail instead of waiting for a password forever.
    GIT_TERMINAL_PROMPT: "0",
    GIT_SSH_COMMAND: env.GIT_SSH_COMMAND ?? "ssh -o BatchMode=yes",
    // The machine's /etc/gitconfig is not ours to depend on.
    GIT_CONFIG_NOSYSTEM: "1",
    // Error messages are matched (e.g. "not a git repository"): keep them in English.
    LC_ALL: "C",
    LANGUAGE: "C",
    // Readers must not take the index lock a user's own git command may need.
    GIT_OPTIONAL_LOCKS: "0",
    // No ext:: or fd:: transports: a configured URL must not be able to run commands.
    GIT_ALLOW_PROTOCOL: "file:git:http:https:ssh",
    ...extra,
  };
}
