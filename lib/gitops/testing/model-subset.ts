import type { RepoModel } from "../model";

/** The part of a model a fixture's expected.json pins down: what a user sees, plus where versions live. */
export function modelSubset(model: RepoModel) {
  return {
    environments: model.environments,
    teams: model.teams.map((t) => t.name),
    apps: model.apps.map((a) => ({ name: a.name, team: a.team })),
    deployments: model.deployments.map((d) => ({
      app: d.app,
      env: d.env,
      path: d.path,
      versions: d.versions.map((v) => ({ kind: v.kind, name: v.name, value: v.value, floating: v.floating, file: v.file, field: v.field })),
      errors: d.errors,
    })),
    errors: model.errors,
  };
}
