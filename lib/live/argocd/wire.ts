// The parts of Argo CD's API objects Ferry reads (argocd-swagger.json: v1alpha1Application,
// v1alpha1ApplicationList, v1alpha1ApplicationWatchEvent). Every field is optional: a `fields=`
// projection leaves out what was not asked for, and older servers leave out what they do not know.

export interface WireSource {
  repoURL?: string;
  path?: string;
  chart?: string;
  targetRevision?: string;
  ref?: string;
}

export interface WireApplication {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: {
    source?: WireSource;
    sources?: WireSource[];
    sourceHydrator?: { drySource?: WireSource; syncSource?: { targetBranch?: string; path?: string } };
    destination?: { server?: string; name?: string; namespace?: string };
    project?: string;
  };
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: { status?: string; message?: string; lastTransitionTime?: string };
    summary?: { images?: string[] };
    operationState?: { phase?: string; finishedAt?: string };
    reconciledAt?: string;
  };
}

export interface WireApplicationList {
  metadata?: { resourceVersion?: string };
  items?: WireApplication[] | null;
}

/** One server-sent event of `/api/v1/stream/applications`: grpc-gateway's stream envelope. */
export interface WireStreamMessage {
  result?: { type?: string; application?: WireApplication };
  error?: { grpc_code?: number; http_code?: number; message?: string; http_status?: string };
}
