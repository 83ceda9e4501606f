// The `fields=` projection Ferry asks for, as Argo CD's own UI does (its list and watch fields are
// the same paths under `items.` and `result.application.`): only what a cell shows, so 10,000
// applications stay a small response. The list's `metadata.resourceVersion` is where the stream resumes.
const APPLICATION_FIELDS = [
  "metadata.name",
  "metadata.namespace",
  "metadata.resourceVersion",
  "spec.source",
  "spec.sources",
  "spec.sourceHydrator",
  "spec.destination",
  "status.sync.status",
  "status.sync.revision",
  "status.sync.revisions",
  "status.health",
  "status.summary.images",
  "status.operationState.phase",
  "status.operationState.finishedAt",
];

export const LIST_FIELDS = ["metadata.resourceVersion", ...APPLICATION_FIELDS.map((f) => `items.${f}`)].join(",");
export const WATCH_FIELDS = ["result.type", ...APPLICATION_FIELDS.map((f) => `result.application.${f}`)].join(",");
