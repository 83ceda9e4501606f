import { impactedEnvironments, type EnvironmentImpact } from "../impact";
import type { FieldChange, PromotionMode, PromotionPlan } from "./types";

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

export function describeImpact(impact: readonly EnvironmentImpact[]): string {
  return impact.map((i) => `${i.app} in ${i.env} (${i.versions.map((v) => `${v.name} ${v.from ?? "none"} → ${v.to ?? "none"}`).join(", ")})`).join("; ");
}

/**
 * Judge a planned promotion by what it changes: `affected` is every cell whose rendered versions move
 * when the repository is re-read with the change applied. A version promotion the target would not
 * render is refused (or warned about, when only some fields miss); another environment than the
 * target (a shared base edited) is named in the notes, and the caller authorizes the merge against all.
 */
export function judgeByImpact(plan: Extract<PromotionPlan, { status: "changes" }>, affected: EnvironmentImpact[], request: { app: string; to: string; mode: PromotionMode }): PromotionPlan {
  const target = request.to;
  // A folder promotion copies files, whose versions the planner reads from the source as a whole; a
  // version promotion edits exactly the fields it lists, each of which the target must then render.
  const unrendered = request.mode === "version" ? unrenderedFields(plan.fields, affected, { app: request.app, env: target }) : [];
  if (unrendered.length > 0 && unrendered.length === plan.fields.length) {
    return {
      status: "refused",
      reason: `The planned edits would not change what ${request.app} runs in ${target}: re-read with them applied, ${target} still does not render ${describeUnrendered(unrendered)}. Something later in its build sets these values. Nothing was changed; set the version where ${target}'s build takes it from, or promote the folder.`,
    };
  }
  const warnings = unrendered.length > 0 ? [`Warning: ${target} would not render ${describeUnrendered(unrendered)} after this change (re-read with it applied): something later in its build sets these values.`] : [];
  const others = impactedEnvironments(affected).filter((env) => env !== target);
  const alsoAlters = others.length === 0 ? [] : [`This change also alters ${others.join(", ")}: ${describeImpact(affected.filter((i) => i.env !== target))}. A file it edits feeds those environments too.`];
  return { ...plan, affected, notes: [...plan.notes, ...warnings, ...alsoAlters] };
}
