// The domain model of a GitOps repository, as read by lib/gitops from a file tree.
// Everything in lib/gitops is pure: file tree in, model or ChangeSet out. No I/O, no clock, no env.
// One concept, one name: Team, App, Environment, Deployment, Version, ChangeSet.

/** Repository content at one commit: POSIX path relative to the repo root (no leading "/") → UTF-8 text. */
export type FileTree = ReadonlyMap<string, string>;

export type VersionKind = "image" | "chart" | "git" | "other";

/**
 * One release field of a Deployment: what a promotion copies.
 * `file` + `doc` + `path` locate the scalar exactly, so a planner can edit it in place.
 */
export interface Version {
  kind: VersionKind;
  /** Image name (without tag), chart name, git repo URL, or a configured field's name. */
  name: string;
  /** Tag, digest, chart version or git revision; null when none is pinned. */
  value: string | null;
  /** No tag, `latest`, a branch ref, a semver range: the value does not pin one release. */
  floating: boolean;
  /** File that holds the value (repo-relative). */
  file: string;
  /** Human-readable YAML path, e.g. `images[name=ghcr.io/acme/checkout].newTag`, `spec.chart.spec.version`. */
  field: string;
  /** Index of the YAML document inside `file` (multi-document files). */
  doc: number;
  /** Machine YAML path inside that document: keys and sequence indexes. */
  path: (string | number)[];
  /** Image digest when pinned by digest as well as (or instead of) a tag. */
  digest?: string;
  /**
   * The value sits inside YAML held as a string at `path` (an Application's `helm.values: |`, a
   * ConfigMap's `values.yaml: |`): its path inside that YAML.
   */
  embedded?: (string | number)[];
  /**
   * The file is a template that is no YAML until rendered (a helmfile `.gotmpl`): the value is its own text at
   * `[start, end)`, which an edit replaces as text. `path` then names the field, not a node of the file.
   */
  span?: [number, number];
}

export interface Environment {
  name: string;
  /** Position in the promotion path: lower is earlier (dev < staging < production). */
  order: number;
  /** Set from the repo config (`environments[].protected`): promotions into it need extra care. */
  protected?: boolean;
}

export interface Team {
  name: string;
}

export interface App {
  name: string;
  team: string | null;
  /** Folder that holds the app (e.g. `apps/checkout`), or the base folder for global-env layouts. */
  path: string;
}

/** Where an Argo CD Application / Flux Kustomization says this deployment goes. */
export interface Destination {
  cluster?: string;
  namespace?: string;
  /** The wiring object that points at this deployment's folder, e.g. `argocd/checkout-staging.yaml`. */
  wiredBy?: string;
}

/** One cell of the matrix: an App in an Environment. */
export interface Deployment {
  app: string;
  env: string;
  /** The environment folder (overlay dir, env folder, or the file holding an Argo CD Application). */
  path: string;
  versions: Version[];
  /** Per-cell problems: a file that does not parse, a missing base, a template that cannot be read. */
  errors: string[];
  /** Files that make up this deployment's env folder (what folder promotion would consider). */
  files: string[];
  destination?: Destination;
}

export interface RepoError {
  file: string;
  message: string;
  line?: number;
}

export interface RepoModel {
  /** Detected conventions, e.g. `kustomize-overlays`, `env-per-app-folders`, `global-envs`, `flux-helmrelease`, `argocd-applications`. */
  conventions: string[];
  environments: Environment[];
  teams: Team[];
  apps: App[];
  deployments: Deployment[];
  errors: RepoError[];
  /** Things a user should know that are not errors: skipped templates, unknown layouts, floating refs. */
  notes: string[];
}
