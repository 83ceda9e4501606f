// Manifests checked against the Kubernetes API's OpenAPI schema of their kind (kubernetes-models, with ajv),
// as kubeconform checks them without a cluster: types, required fields, enums (unknown fields pass, as there).

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** The custom resources Ferry's manifests hold (Prometheus Operator's), which the core API's schemas do not cover. */
const CUSTOM_KINDS = new Set(["monitoring.coreos.com/v1/ServiceMonitor"]);

export const builtInObjects = <T extends KubernetesObject>(objects: T[]): T[] => objects.filter((o) => !CUSTOM_KINDS.has(`${o.apiVersion}/${o.kind}`));

/** Resolves when the object is valid for its kind; rejects with the schema's complaints otherwise. */
export async function validateSchema(o: KubernetesObject): Promise<void> {
  const models = (await import(`kubernetes-models/${o.apiVersion}/${o.kind}`)) as Record<string, new (data: object) => { validate(): void }>;
  new models[o.kind]!(o).validate();
}
