import type { FileTree, RepoModel } from "../model";
import { appsDirOf, argocdDirOf, envFacts, teamConfigured } from "./facts";
import { renderPlan, type ScaffoldPlan } from "./plan";
import { detectAppPreset, type PresetName } from "./presets";
import { appRequestErrors, type AppRequest } from "./request";

export interface AppPlanInput {
  repository: string;
  tree: FileTree;
  model: RepoModel;
  request: AppRequest;
  /** URL manifests use for this repository, and its branch (Argo CD Applications point at it). */
  repoURL: string;
  branch: string;
  symlinks?: ReadonlySet<string>;
  requestedBy?: string;
}

export function appBranch(name: string): string {
  return `ferry/app/${name}`;
}

export function appPreset(input: Pick<AppPlanInput, "model" | "request">): PresetName {
  return input.request.preset ?? detectAppPreset(input.model);
}

export function appHref(repository: string, app: string): string {
  return `/apps/${encodeURIComponent(repository)}/${encodeURIComponent(app)}`;
}

/** Plans the one change request that scaffolds an app and its wiring in the repository's convention. */
export function planApp(input: AppPlanInput): ScaffoldPlan {
  const { request: r, tree, model } = input;
  const fieldErrors = appRequestErrors(r);
  if (Object.keys(fieldErrors).length > 0) return { status: "refused", reason: Object.values(fieldErrors)[0]!, fieldErrors };

  const found = model.apps.find((a) => a.name === r.name);
  if (found) return existing(input.repository, r.name, found.path);

  const preset = appPreset(input);
  const appsDir = appsDirOf(model, r.team);
  const environments = r.environments.map((env) => {
    const f = envFacts(model, r.team, env);
    return { name: env, namespace: f.namespace, cluster: f.cluster, wiringFile: f.wiringFile, protected: f.protected };
  });
  const notes = model.environments.length > 0
    ? r.environments.filter((e) => !model.environments.some((m) => m.name === e)).map((e) => `${e} is a new environment in ${input.repository}.`)
    : [];
  return renderPlan({
    tree,
    kind: "app",
    preset,
    forcePreset: r.preset !== undefined,
    context: {
      name: r.name,
      team: r.team,
      image: r.image,
      tag: r.tag,
      port: r.port,
      environments,
      repoURL: input.repoURL,
      branch: input.branch,
      appsDir,
      argocdDir: argocdDirOf(model),
      project: r.team,
      teamConfigured: teamConfigured(tree),
    },
    symlinks: input.symlinks,
    branch: appBranch(r.name),
    title: `Add app ${r.name}`,
    summary: `Adds app **${r.name}** of team ${r.team} (\`${r.image}:${r.tag}\`, port ${r.port}) in ${environments.map((e) => `${e.name} (\`${e.namespace}\`)`).join(", ")}.`,
    notes,
    requestedBy: input.requestedBy,
    onExisting: (path) => existing(input.repository, r.name, path),
  });
}

function existing(repository: string, name: string, path: string): ScaffoldPlan {
  return {
    status: "refused",
    reason: `App ${name} already exists in ${repository} (${path}).`,
    fieldErrors: { name: `App ${name} already exists in ${repository}.` },
    location: { repository, path, href: appHref(repository, name) },
  };
}
