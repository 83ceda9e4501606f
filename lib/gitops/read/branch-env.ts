import { isEnvLikeName } from "./env-order";

/** Prefixes of branches that hold one environment's rendered manifests (Argo CD source hydrator, Kargo, CI rendering). */
const ENV_BRANCH = /^(?:env|envs|environment|environments|stage|stages|hydrated|rendered|deploy|deployment)[/-](.+)$/;

/**
 * The environment a branch stands for, when its name says so: `env/prod`, `environments/staging`,
 * `stage/dev`, or a branch named like an environment (`production`). A repository read at such a branch
 * whose folders name no environment runs in that one.
 */
export function branchEnvironment(branch: string | undefined, envNames: readonly string[]): string | undefined {
  if (!branch) return undefined;
  const prefixed = ENV_BRANCH.exec(branch)?.[1];
  const candidate = prefixed ? prefixed.split("/").pop() : branch.includes("/") ? undefined : branch;
  return candidate && isEnvLikeName(candidate, envNames) ? candidate : undefined;
}
