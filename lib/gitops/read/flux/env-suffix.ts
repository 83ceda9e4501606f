import type { Candidate } from "../candidate";
import { envNameForms } from "../env-order";
import type { PlacedCell } from "./shared-cluster-envs";

/**
 * Flux Kustomizations are often named after the env they deploy (`core-prod` in production, `core-staging`
 * in staging) while they apply the same app: an app named after one drops that suffix, so the app is one
 * row across envs. The name stays when it is the env alone, or when the shorter name is another app in the
 * same env or what another name there shortens to too (stripping would merge two apps).
 */
export function dropEnvSuffixes(cells: readonly PlacedCell[], all: readonly Candidate[]): void {
  const key = (env: string, app: string) => `${env}\u0000${app}`;
  const taken = new Set(all.map((c) => key(c.env, c.app)));
  const renames = new Map<string, string>();
  const sources = new Map<string, Set<string>>();
  for (const { candidate: c, namedAfterUnit } of cells) {
    if (!namedAfterUnit) continue;
    const stripped = withoutEnvSuffix(c.app, c.env);
    if (stripped === undefined) continue;
    renames.set(key(c.env, c.app), stripped);
    sources.set(key(c.env, stripped), (sources.get(key(c.env, stripped)) ?? new Set()).add(c.app));
  }
  for (const { candidate: c, namedAfterUnit } of cells) {
    const stripped = namedAfterUnit ? renames.get(key(c.env, c.app)) : undefined;
    if (stripped === undefined || taken.has(key(c.env, stripped)) || (sources.get(key(c.env, stripped))?.size ?? 0) > 1) continue;
    c.app = stripped;
  }
}

function withoutEnvSuffix(name: string, env: string): string | undefined {
  const lower = name.toLowerCase();
  for (const form of envNameForms(env)) {
    const suffix = `-${form.toLowerCase()}`;
    if (lower.endsWith(suffix) && lower.length > suffix.length) return name.slice(0, -suffix.length);
  }
  return undefined;
}
