// The fields Ferry reads of the Flux objects, as the CRDs in ../shared/specs/flux-crds describe them.

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
}

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface SourceRef {
  kind: string;
  name: string;
  namespace?: string;
  apiVersion?: string;
}

export interface FluxKustomization {
  metadata?: ObjectMeta;
  spec?: { path?: string; sourceRef?: SourceRef; targetNamespace?: string; suspend?: boolean };
  status?: { conditions?: Condition[]; lastAppliedRevision?: string; lastAttemptedRevision?: string };
}

export interface FluxHelmRelease {
  metadata?: ObjectMeta;
  spec?: {
    chart?: { spec?: { chart?: string; version?: string; sourceRef?: SourceRef } };
    chartRef?: SourceRef;
    releaseName?: string;
    targetNamespace?: string;
    suspend?: boolean;
  };
  status?: {
    conditions?: Condition[];
    history?: { chartName?: string; chartVersion?: string; lastDeployed?: string; status?: string }[];
    lastAttemptedRevision?: string;
  };
}

export interface FluxSource {
  metadata?: ObjectMeta;
  spec?: { url?: string; ref?: { branch?: string; tag?: string; semver?: string; commit?: string; name?: string; digest?: string } };
}
