import { lineOfPath, parseYamlAst, type YamlProblem } from "../yaml";
import { repoConfigSchema, type RepoConfig } from "./schema";

export const CONFIG_FILE = ".ferry/config.yaml";

export interface ConfigError {
  file: string;
  line?: number;
  message: string;
}

export interface ParsedConfig {
  config?: RepoConfig;
  errors: ConfigError[];
}

/** Parse and validate `.ferry/config.yaml`; every problem carries the line of the offending node. */
export function parseRepoConfig(text: string, file: string = CONFIG_FILE): ParsedConfig {
  let ast;
  try {
    ast = parseYamlAst(text);
  } catch (e) {
    return { errors: [{ file, message: e instanceof Error ? e.message : String(e) }] };
  }
  const doc = ast.documents.find((d) => d.contents !== null) ?? ast.documents[0];
  if (!doc) return { config: repoConfigSchema.parse({}), errors: [] };
  const syntax = doc.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line ?? ast.lineCounter.linePos(syntax.pos[0]).line;
    return { errors: [{ file, line, message: syntax.message.split("\n", 1)[0] ?? syntax.message }] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    return { errors: [{ file, message: e instanceof Error ? e.message : String(e) }] };
  }
  const result = repoConfigSchema.safeParse(value);
  if (result.success) return { config: result.data, errors: [] };
  const errors = result.error.issues.map((issue): ConfigError => {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const where = path.length ? `${path.join(".")}: ` : "";
    return { file, line: lineOfPath(doc, ast.lineCounter, path), message: `${where}${issue.message}` };
  });
  return { errors };
}

export type { YamlProblem };
