import type { FileTree, RepoModel } from "../model";
import { appsDirOf, argocdDirOf, envFacts, envFolderOf, teamConfigured } from "./facts";
import { checkPickup, pickupNotes, pickupProblem } from "./pickup";
import { renderPlan, type ScaffoldPlan } from "./plan";
import { detectAppPreset, PRESET_NAMES, type PresetName } from "./presets";
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

  const appsDir = appsDirOf(model, r.team);
  const environments = r.environments.map((env) => {
    const f = envFacts(model, r.team, env);
    return { name: env, namespace: f.namespace, cluster: f.cluster, wiringFile: f.wiringFile, protected: f.protected };
  });
  const notes = model.environments.length > 0
    ? r.environments.filter((e) => !model.environments.some((m) => m.name === e)).map((e) => `${e} is a new environment in ${input.repository}.`)
    : [];
  const render = (preset: PresetName, force: boolean, extraNotes: string[] = []) =>
    renderPlan({
      tree,
      kind: "app",
      preset,
      forcePreset: force,
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
        envFolder: envFolderOf(model, appsDir),
        argocdDir: argocdDirOf(model),
        project: r.team,
        teamConfigured: teamConfigured(tree),
      },
      symlinks: input.symlinks,
      branch: appBranch(r.name),
      title: `Add app ${r.name}`,
      summary: `Adds app **${r.name}** of team ${r.team} (\`${r.image}:${r.tag}\`, port ${r.port}) in ${environments.map((e) => `${e.name} (\`${e.namespace}\`)`).join(", ")}.`,
      notes: [...notes, ...extraNotes],
      requestedBy: input.requestedBy,
      onExisting: (path) => existing(input.repository, r.name, path),
    });
  const withPickup = (plan: ScaffoldPlan) => {
    if (plan.status !== "changes") return { plan, check: undefined };
    const check = checkPickup(tree, model, plan.changeSet, r.name, r.environments, { branch: input.branch, rootAppName: input.repository });
    return { plan, check };
  };

  const first = appPreset(input);
  const tried = withPickup(render(first, r.preset !== undefined));
  if (tried.plan.status !== "changes" || !tried.check) return tried.plan;
  if (tried.check.missing.length === 0) return render(first, r.preset !== undefined, pickupNotes(tried.check));
  const label = tried.plan.templates.origin === "repository" ? `The repository's templates (${tried.plan.templates.label})` : `The ${first} preset`;
  // The repository's own templates are its decision, and an explicitly chosen preset the user's: say so, do not second-guess.
  if (tried.plan.templates.origin === "repository") return render(first, false, [`Warning: ${pickupProblem(tried.check, label)}`, ...pickupNotes(tried.check)]);
  if (r.preset !== undefined) return { status: "refused", reason: `${pickupProblem(tried.check, label)} Choose another preset, or add templates in .ferry/templates/app/.` };
  for (const other of PRESET_NAMES.filter((p) => p !== first)) {
    const alt = withPickup(render(other, true));
    if (alt.plan.status === "changes" && alt.check && alt.check.missing.length === 0) {
      return render(other, true, [`The ${first} preset this repository looked like would not be deployed (${tried.check.missing.map((m) => m.env).join(", ")}); the ${other} preset is what its reconcilers pick up.`, ...pickupNotes(alt.check)]);
    }
  }
  return { status: "refused", reason: `${pickupProblem(tried.check, label)} No built-in preset fits; add templates in .ferry/templates/app/ that follow the repository's layout.` };
}

function existing(repository: string, name: string, path: string): ScaffoldPlan {
  return {
    status: "refused",
    reason: `App ${name} already exists in ${repository} (${path}).`,
    fieldErrors: { name: `App ${name} already exists in ${repository}.` },
    location: { repository, path, href: appHref(repository, name) },
  };
}
