import type { EnvironmentImpact } from "../impact";
import type { FieldChange } from "./types";

/**
 * The planned fields whose new value the target does not render once the change is applied. The
 * planner only edits fields it knows the target's build reads, but a field the build ignores (a
 * transformer that does not reach it, a value a later layer overrides) would give a change that
 * reviews well and deploys nothing: the re-read of the repository with the change applied is the
 * judge, whatever the planner believed.
 */
export function unrenderedFields(fields: readonly FieldChange[], impact: readonly EnvironmentImpact[], target: { app: string; env: string }): FieldChange[] {
  const cell = impact.find((i) => i.app === target.app && i.env === target.env);
  return fields.filter((f) => f.to !== null && !cell?.versions.some((v) => v.name === f.name && (v.to ?? "").split(", ").includes(f.to!)));
}

export function describeUnrendered(fields: readonly FieldChange[]): string {
  return fields.map((f) => `${f.name} ${f.to} (${f.file}: ${f.field})`).join(", ");
}
