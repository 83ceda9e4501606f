import type { Environment } from "../model";
import type { ConfiguredEnvironment } from "../config";

// Default promotion path when the repo config does not pin one. Regions of a stage
// (`staging-eu`, `prod-us`) share the stage's rank, so they are siblings, not a chain.
const STAGE_RANK: Record<string, number> = {
  local: 0,
  sandbox: 5,
  dev: 10,
  develop: 10,
  devel: 10,
  development: 10,
  preview: 12,
  qa: 20,
  test: 30,
  testing: 30,
  nonprod: 35,
  "non-prod": 35,
  nonproduction: 35,
  int: 40,
  integration: 40,
  uat: 45,
  load: 46,
  perf: 46,
  staging: 50,
  stage: 50,
  stg: 50,
  preprod: 55,
  "pre-prod": 55,
  demo: 56,
  prod: 60,
  production: 60,
  prd: 60,
  live: 60,
};

/** Unknown names sit before production: promoting into something unknown is never the last step. */
const UNKNOWN_RANK = 48;

/** The stage of an env name: `prod-eu` → `prod`, `staging_us-1` → `staging`; undefined when not env-like. */
export function stageOf(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower in STAGE_RANK) return lower;
  if (lower.startsWith("pre-prod")) return "pre-prod";
  // A region/variant suffix is short (`-eu`, `-us-east-1`, `-gpu`, `-2`); `test-project` is not an env.
  const m = /^([a-z]+)[-_.]([a-z]{1,6}|\d+)([-_.][a-z0-9]+)*$/.exec(lower);
  if (m?.[1] && m[1] in STAGE_RANK) return m[1];
  return undefined;
}

/** Spellings of one stage that repositories use interchangeably in names (`api-prod` in `production`). */
const STAGE_SPELLINGS: readonly (readonly string[])[] = [
  ["development", "develop", "devel", "dev"],
  ["testing", "test"],
  ["integration", "int"],
  ["staging", "stage", "stg"],
  ["pre-prod", "preprod"],
  ["non-prod", "nonprod", "nonproduction"],
  ["production", "prod", "prd"],
];

/** An environment's name and, when it is a stage, that stage's other spellings: longest first. */
export function envNameForms(env: string): string[] {
  const lower = env.toLowerCase();
  const spellings = STAGE_SPELLINGS.find((s) => s.includes(lower)) ?? [];
  return [...new Set([env, ...spellings])].sort((a, b) => b.length - a.length);
}

/** Whether `word` is a stage on its own (`dev`, `prod`), not only a stage with a variant (`prod-eu`). */
export function isStageWord(word: string, configured: readonly string[] = []): boolean {
  return configured.includes(word) || word.toLowerCase() in STAGE_RANK;
}

export function isEnvLikeName(name: string, configured: readonly string[] = []): boolean {
  return configured.includes(name) || stageOf(name) !== undefined;
}

export function defaultRank(name: string): number {
  const stage = stageOf(name);
  return stage === undefined ? UNKNOWN_RANK : (STAGE_RANK[stage] ?? UNKNOWN_RANK);
}

/**
 * Order environments: configured ones first in configured order (each its own step), then the rest by
 * default rank then name. `order` is dense: siblings of one stage share a value.
 */
export function orderEnvironments(names: Iterable<string>, configured: readonly ConfiguredEnvironment[]): Environment[] {
  const all = new Set<string>(names);
  for (const c of configured) all.add(c.name);
  const configuredIndex = new Map(configured.map((c, i) => [c.name, i] as const));
  const protectedNames = new Set(configured.filter((c) => c.protected).map((c) => c.name));
  const rest = [...all].filter((n) => !configuredIndex.has(n));
  rest.sort((a, b) => defaultRank(a) - defaultRank(b) || a.localeCompare(b));

  const out: Environment[] = [];
  for (const c of configured) out.push(withProtected({ name: c.name, order: out.length }, protectedNames));
  let order = configured.length;
  let previousRank: number | undefined;
  for (const name of rest) {
    const rank = defaultRank(name);
    if (previousRank !== undefined && rank !== previousRank) order++;
    previousRank = rank;
    out.push(withProtected({ name, order }, protectedNames));
  }
  return out;
}

function withProtected(env: Environment, protectedNames: ReadonlySet<string>): Environment {
  return protectedNames.has(env.name) ? { ...env, protected: true } : env;
}
