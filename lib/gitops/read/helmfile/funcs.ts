import { getAtPath, isRecord, parseDottedPath } from "../../yaml";
import { plain } from "../helm/template-values";
import type { Func } from "../helm/template-funcs";
import { TemplateError } from "../helm/template-parse";

/**
 * What a deploy-time function stands for in the rendered text: a value Ferry cannot know from the
 * repository (an environment variable of the CI job, a command's output, a secret). It stays readable in
 * YAML and is recognised when it lands in a version.
 */
export const UNRESOLVED = "ferry-unresolved:";

export function unresolvedReason(value: string | null): string | undefined {
  const at = value?.indexOf(UNRESOLVED) ?? -1;
  return at >= 0 && value ? value.slice(at + UNRESOLVED.length).replace(/\s+$/, "") : undefined;
}

/**
 * helmfile's own template functions, over the chart renderer's Sprig subset. Environment variables read
 * with `env` are unset here, as in a shell without them; `requiredEnv`, `exec` and secrets are known only
 * where helmfile runs.
 */
export function helmfileFuncs(readFile: (path: string) => string | undefined): Record<string, Func> {
  return {
    env: () => "",
    requiredEnv: ([name]) => `${UNRESOLVED}requiredEnv ${String(plain(name))}`,
    exec: ([cmd]) => `${UNRESOLVED}exec ${String(plain(cmd))}`,
    fetchSecretValue: ([ref]) => `${UNRESOLVED}fetchSecretValue ${String(plain(ref))}`,
    expandSecretRefs: ([v]) => v,
    readFile: ([path]) => {
      const text = readFile(String(plain(path)));
      if (text === undefined) throw new TemplateError(`readFile ${String(plain(path))}: no such file in the repository`);
      return text;
    },
    isFile: ([path]) => readFile(String(plain(path))) !== undefined,
    // helmfile's `get "a.b" [default] obj` (a dotted path, the object last), not Sprig's `get dict key`.
    get: (args) => helmfileGet(args, false),
    getOrNil: (args) => helmfileGet(args, true),
  };
}

function helmfileGet(args: unknown[], orNil: boolean): unknown {
  const values = args.map(plain);
  const obj = values.at(-1);
  if (values.length === 2 && isRecord(values[0]) && typeof values[1] === "string") return values[0][values[1]] ?? "";
  const path = String(values[0] ?? "");
  const fallback = values.length >= 3 ? args[1] : undefined;
  const found = getAtPath(obj, parseDottedPath(path));
  if (found !== undefined && found !== null) return found;
  if (fallback !== undefined || orNil) return fallback ?? null;
  throw new TemplateError(`get ${path}: no such value`);
}
