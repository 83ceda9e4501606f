export { parseYamlDocuments, parseHelmValuesText, parseYamlAst, stripBom, DEFAULT_YAML_LIMITS } from "./parse";
export type { ParsedYaml, ParsedDocument, DuplicateKey, DuplicateKeys, YamlProblem, YamlLimits, ParsedYamlAst } from "./parse";
export { getAtPath, formatPath, parseDottedPath, isRecord, asString } from "./path";
export type { YamlPath } from "./path";
export { lineOfPath } from "./lines";
