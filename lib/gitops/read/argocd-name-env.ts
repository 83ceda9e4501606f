import { envNameForms, isEnvLikeName, isStageWord, stageOf } from "./env-order";

// An Application's name often carries its environment (`shop-staging`, autopilot's `staging-shop`, the
// tenant layout `payments-dev-checkout-ui`), but a stage word inside a name is also often part of what
// it deploys: `aws-load-balancer-controller`, `local-path-provisioner`, `node-local-dns`. A name read
// as an environment must therefore agree with what else the Application says about its environment.

/** A stage word read in an Application's name, where it sits, and the app the rest of the name names. */
export interface NameEnv {
  app: string;
  env: string;
  /** `suffix`: `shop-staging`; `inner`: `<tenant>-<env>-<app>`; `prefix`: `staging-shop`. */
  at: "suffix" | "inner" | "prefix";
  /** Index of the stage word among the name's dash-separated words. */
  word: number;
}

/**
 * `my-app-staging` → env staging, app my-app; `staging-my-app` (autopilot) likewise; `my-app-prod-eu` →
 * env prod-eu. A stage word inside the name with more than a region after it is the tenant layout
 * `<tenant>-<env>-<app>`: `payments-dev-checkout-ui` → env dev, app checkout-ui.
 */
export function envFromName(name: string, envNames: readonly string[]): { app: string; env: string } | undefined {
  const found = readNameEnv(name, envNames);
  return found && { app: found.app, env: found.env };
}

export function readNameEnv(name: string, envNames: readonly string[]): NameEnv | undefined {
  const parts = name.split("-");
  const inner = parts.findIndex((p, i) => i > 0 && i < parts.length - 1 && isStageWord(p, envNames));
  if (inner > 0 && !parts.slice(inner + 1).every(isVariantPart) && !isStageWord(parts.at(-1) ?? "", envNames)) {
    return { app: parts.slice(inner + 1).join("-"), env: parts[inner] ?? "", at: "inner", word: inner };
  }
  for (let i = 1; i < parts.length; i++) {
    const suffix = parts.slice(i).join("-");
    if (isEnvLikeName(suffix, envNames)) return { app: parts.slice(0, i).join("-"), env: suffix, at: "suffix", word: i };
  }
  if (parts.length > 1 && isEnvLikeName(parts[0] ?? "", envNames)) return { app: parts.slice(1).join("-"), env: parts[0] ?? "", at: "prefix", word: 0 };
  return undefined;
}

/** A region or variant after a stage (`prod-eu`, `staging-us-east-1`, `prod-2`, `prod-blue`). */
function isVariantPart(part: string): boolean {
  return /^(\d+|[a-z]{1,2}|east|west|north|south|central|emea|apac|amer|blue|green|canary|primary|secondary)$/i.test(part);
}

/**
 * Stage words that are just as often ordinary words of what a name deploys (`aws-load-balancer-controller`,
 * `local-path-provisioner`, `k6-load-test`, `podinfo-demo-app`, `slack-integration-bot`): read as the
 * environment only when something backs them up. `dev`, `staging`, `prod`, `qa`, `uat` and their spellings
 * are rarely anything else.
 */
const COMMON_WORD_STAGES = new Set(["local", "load", "live", "test", "testing", "demo", "integration", "perf", "preview", "sandbox"]);

/**
 * Whether the environment read in an Application's name holds, given `other`, the environment its
 * cluster, destination, project, root Application or file says (undefined when none does).
 *
 * - A name that says what the rest says holds, and so does one whose layout another Application of the
 *   repository repeats with another stage word (`payments-dev-checkout-ui` beside `payments-prod-cart`,
 *   `staging-shop` beside `prod-shop`, `shop-test` beside `shop-prod`): the repository names envs that way.
 * - A suffix (`shop-staging`) holds on its own, unless its stage word is a common word and the rest says
 *   another environment.
 * - A word inside or at the start of a name holds only when nothing else says an environment, and never
 *   on its own when it is a common word: `aws-load-balancer-controller` rendered by the dev root is app
 *   aws-load-balancer-controller in dev, not app balancer-controller in an environment `load`.
 */
export function nameEnvHolds(found: NameEnv, other: string | undefined, name: string, names: ReadonlySet<string>, envNames: readonly string[]): boolean {
  if (other !== undefined && sameStage(found.env, other)) return true;
  if (repeatedWithOtherStage(found, name, names, envNames)) return true;
  const common = !envNames.includes(found.env) && COMMON_WORD_STAGES.has(stageOf(found.env) ?? found.env);
  if (found.at === "suffix") return !common || other === undefined;
  return !common && other === undefined;
}

function sameStage(a: string, b: string): boolean {
  const stage = (e: string) => stageOf(e) ?? e.toLowerCase();
  return envNameForms(stage(a)).includes(stage(b));
}

/** Another Application's name with the same words around a different stage word. */
function repeatedWithOtherStage(found: NameEnv, name: string, names: ReadonlySet<string>, envNames: readonly string[]): boolean {
  const parts = name.split("-");
  const before = parts.slice(0, found.word).join("-");
  const after = parts.slice(found.word + found.env.split("-").length).join("-");
  for (const other of names) {
    if (other === name) continue;
    if (found.at === "suffix") {
      if (!other.startsWith(`${before}-`)) continue;
      const env = other.slice(before.length + 1);
      if (env !== found.env && isEnvLikeName(env, envNames)) return true;
    } else if (found.at === "prefix") {
      if (!other.endsWith(`-${after}`)) continue;
      const env = other.slice(0, -after.length - 1);
      if (env !== found.env && !env.includes("-") && isStageWord(env, envNames)) return true;
    } else {
      // The tenant layout: same tenant, another stage, any app after it.
      if (!other.startsWith(`${before}-`)) continue;
      const [env, ...rest] = other.slice(before.length + 1).split("-");
      if (env !== undefined && env !== found.env && rest.length > 0 && isStageWord(env, envNames)) return true;
    }
  }
  return false;
}
