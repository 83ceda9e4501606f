import { getAtPath, isRecord } from "../yaml";
import { repositoryEnvSelectors, type EnvSelectors } from "./argocd-cluster-selectors";
import type { ClusterSecret } from "./argocd-generators";
import type { DocsByKind } from "./documents";

const SECRET_TYPE = "argocd.argoproj.io/secret-type";

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function decode(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = Buffer.from(value, "base64").toString("utf8");
  // Not base64 of printable text: not a value we can use.
  return /^[\x20-\x7e]*$/.test(text) ? text : undefined;
}

/**
 * Clusters Argo CD knows from secrets declared in the repository: a Secret labelled
 * `argocd.argoproj.io/secret-type: cluster` (`stringData` or base64 `data`), or an ExternalSecret whose
 * target template carries that label with `name` and `server` in plain text. Sealed secrets hide the
 * name and server and are counted in `hidden` so the note can say so. `selectorEnvs`: the environments
 * the ApplicationSets' clusters generators select on, all sets together (argocd-cluster-selectors.ts).
 */
export function declaredClusters(kinds: DocsByKind, envNames: readonly string[] = []): { clusters: ClusterSecret[]; hidden: number; selectorEnvs?: EnvSelectors } {
  const clusters: ClusterSecret[] = [];
  let hidden = 0;
  const add = (metadata: unknown, fields: { name?: string; server?: string; project?: string }) => {
    const labels = stringMap(getAtPath(metadata, ["labels"]));
    if (labels[SECRET_TYPE] !== "cluster") return;
    if (!fields.name || !fields.server || fields.name.includes("{{") || fields.server.includes("{{")) {
      hidden++;
      return;
    }
    if (clusters.some((c) => c.name === fields.name)) return;
    clusters.push({ name: fields.name, server: fields.server, project: fields.project, labels, annotations: stringMap(getAtPath(metadata, ["annotations"])) });
  };
  for (const d of kinds.get("Secret") ?? []) {
    const plain = stringMap(d.value.stringData);
    const data = isRecord(d.value.data) ? d.value.data : {};
    const field = (k: string) => plain[k] ?? decode(data[k]);
    add(d.value.metadata, { name: field("name"), server: field("server"), project: field("project") });
  }
  for (const d of kinds.get("ExternalSecret") ?? []) {
    const template = getAtPath(d.value, ["spec", "target", "template"]);
    const data = stringMap(getAtPath(template, ["data"]));
    add(getAtPath(template, ["metadata"]), { name: data.name, server: data.server, project: data.project });
  }
  for (const d of kinds.get("SealedSecret") ?? []) {
    const metadata = getAtPath(d.value, ["spec", "template", "metadata"]);
    if (stringMap(getAtPath(metadata, ["labels"]))[SECRET_TYPE] === "cluster") hidden++;
  }
  const specs = (kinds.get("ApplicationSet") ?? []).flatMap((d) => (isRecord(d.value.spec) ? [d.value.spec] : []));
  return { clusters, hidden, selectorEnvs: repositoryEnvSelectors(specs, envNames) };
}

/** Label keys a cluster secret names its environment by (`environment: staging`, `env`, `stage`, with or without a prefix). */
const ENV_LABEL = /^(?:[\w.-]+\/)?(?:environment|env|stage)$/i;

/**
 * Cluster name → environment from the cluster secrets' own labels (`staging-eu` labelled
 * `environment: staging` is in staging). A cluster with no such label, or two that disagree, is not mapped.
 */
export function clusterEnvironmentLabels(clusters: readonly ClusterSecret[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of clusters) {
    const values = [...new Set(Object.entries(c.labels).filter(([k, v]) => ENV_LABEL.test(k) && v.trim() !== "").map(([, v]) => v.trim()))];
    if (values.length === 1 && values[0] && c.name !== "__proto__") out[c.name] = values[0];
  }
  return out;
}
