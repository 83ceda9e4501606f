import { asString, getAtPath, isRecord } from "../yaml";
import type { DocsByKind } from "./documents";
import { repoUrlKey } from "../repo-url";
import { normalizeRepoPath } from "./paths";

/**
 * The URLs this repository is known by in its own Argo CD objects, as `repoUrlKey`s: `known` (the URL the
 * repository was read from, when the caller has it) and the repoURL that the most Application sources
 * with a literal path of this repository name (a fork keeps its upstream's URL in every Application:
 * that URL is this repository too). Undefined when nothing tells: no known URL and no such source, or
 * two URLs equally often. A generator or source naming another URL then reads another repository.
 */
export function ownRepoUrls(kinds: DocsByKind, isDir: (path: string) => boolean, known?: string): string[] | undefined {
  const votes = new Map<string, number>();
  const specs = [
    ...(kinds.get("Application") ?? []).map((d) => d.value.spec),
    ...(kinds.get("ApplicationSet") ?? []).map((d) => getAtPath(d.value, ["spec", "template", "spec"])),
  ];
  for (const spec of specs) {
    const sources = [getAtPath(spec, ["source"]), ...((getAtPath(spec, ["sources"]) as unknown[] | undefined) ?? [])];
    for (const s of sources) {
      if (!isRecord(s)) continue;
      const url = asString(s.repoURL);
      const path = asString(s.path);
      if (!url || url.includes("{{") || path === undefined || path.includes("{{")) continue;
      const dir = normalizeRepoPath(path);
      if (dir === null || dir === "" || !isDir(dir)) continue;
      votes.set(repoUrlKey(url), (votes.get(repoUrlKey(url)) ?? 0) + 1);
    }
  }
  const ranked = [...votes].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  const byVotes = first && (!second || second[1] < first[1]) ? [first[0]] : [];
  const own = [...new Set([...(known ? [repoUrlKey(known)] : []), ...byVotes])];
  return own.length > 0 ? own : undefined;
}
