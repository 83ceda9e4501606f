import { isRecord, type ParsedDocument, type ParsedYaml, type YamlProblem } from "../yaml";
import { KUSTOMIZATION_FILES } from "./kustomize/kustomization";
import { basename } from "./paths";

export interface DuplicateKeysRead {
  parsed: ParsedYaml;
  /** One line per repeated key that was read with the last occurrence winning: file, key and lines. */
  warnings: string[];
}

/**
 * Which documents with repeated keys are read, and which stay errors. The tools that consume a file
 * decide, and the reader cannot know from the path alone who that is (a values file is reached from an
 * Application, a HelmRelease, a helmfile, a fleet.yaml, a chart): what it can know is what the document
 * is. A Kubernetes object (`apiVersion` and `kind`) is refused by kubectl's strict field validation
 * ("fail the request ... if any duplicate fields are present") and a kustomization by kustomize's kyaml
 * ("mapping key ... already defined", kubernetes-sigs/kustomize#3480), so those stay errors. Any other
 * document is plain configuration read by Go tools through sigs.k8s.io/yaml: Helm values (see
 * DuplicateKeys in yaml/parse.ts), Chart.yaml, fleet.yaml, ApplicationSet generator files; they keep
 * the last occurrence, and so does the reader, with a warning so the repeat gets fixed.
 */
export function readDuplicateKeys(path: string, parsed: ParsedYaml): DuplicateKeysRead {
  if (!parsed.documents.some((d) => d.duplicateKeys)) return { parsed, warnings: [] };
  const strict = (KUSTOMIZATION_FILES as readonly string[]).includes(basename(path));
  const documents: ParsedDocument[] = [];
  const errors: YamlProblem[] = [...parsed.errors];
  const warnings: string[] = [];
  for (const doc of parsed.documents) {
    const repeated = doc.duplicateKeys;
    if (!repeated) {
      documents.push(doc);
    } else if (strict || isKubernetesObject(doc.value)) {
      for (const d of repeated) errors.push({ line: d.line, message: `Map keys must be unique: ${d.path} is also set at line ${d.firstLine}` });
    } else {
      documents.push({ index: doc.index, value: doc.value });
      for (const d of repeated) warnings.push(`${path}:${d.line}: duplicate key ${d.path} (also at line ${d.firstLine}); read as Helm reads it, the last one wins`);
    }
  }
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { parsed: { documents, errors }, warnings };
}

function isKubernetesObject(value: unknown): boolean {
  return isRecord(value) && typeof value.apiVersion === "string" && typeof value.kind === "string";
}
