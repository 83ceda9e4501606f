import type { ChangeSet } from "../change-set";
import { unifiedDiff } from "../diff";
import type { FileTree } from "../model";
import { applyRendered } from "./apply";
import { scaffoldBody } from "./change-text";
import { presetTemplates, repositoryTemplates, type PresetName, type ScaffoldKind } from "./presets";
import type { FieldErrors } from "./request";
import { TemplateError } from "./template/errors";
import { renderTemplateSet } from "./template/template-set";
import type { TemplateContext } from "./template/values";

export interface TemplateSource {
  /** `repository` when `.ferry/templates/<kind>/` exists, else the built-in preset. */
  origin: "repository" | "preset";
  preset: PresetName;
  /** Human label and the prefix of template file names in errors. */
  label: string;
}

export type ScaffoldPlan =
  | { status: "changes"; changeSet: ChangeSet; templates: TemplateSource; unchanged: string[]; notes: string[] }
  | {
      status: "refused";
      reason: string;
      fieldErrors?: FieldErrors;
      /** Where the tenant/app already is: repository path, and a portal link when there is a page for it. */
      location?: { repository: string; path: string; href?: string };
      /** A template problem, located. */
      templateError?: { file: string; line: number; message: string };
    };

export function chooseTemplates(tree: FileTree, kind: ScaffoldKind, preset: PresetName): { files: FileTree; source: TemplateSource } {
  const own = repositoryTemplates(tree, kind);
  if (own.size > 0) return { files: own, source: { origin: "repository", preset, label: `.ferry/templates/${kind}` } };
  return { files: presetTemplates(preset, kind), source: { origin: "preset", preset, label: `preset ${preset}/${kind}` } };
}

export interface RenderPlanInput {
  tree: FileTree;
  kind: ScaffoldKind;
  preset: PresetName;
  /** Repository templates win over the preset unless this is set (the form's explicit choice). */
  forcePreset?: boolean;
  context: TemplateContext;
  symlinks?: ReadonlySet<string>;
  branch: string;
  title: string;
  summary: string;
  notes: string[];
  requestedBy?: string;
  /** Turns "file already exists" into the refusal the caller wants (tenant/app exists). */
  onExisting: (path: string) => ScaffoldPlan;
}

/** Render → apply to the tree → ChangeSet, or a refusal that says exactly what is wrong. */
export function renderPlan(input: RenderPlanInput): ScaffoldPlan {
  const chosen = input.forcePreset
    ? { files: presetTemplates(input.preset, input.kind), source: { origin: "preset" as const, preset: input.preset, label: `preset ${input.preset}/${input.kind}` } }
    : chooseTemplates(input.tree, input.kind, input.preset);
  let applied;
  try {
    const rendered = renderTemplateSet(chosen.files, input.context, chosen.source.label);
    applied = applyRendered(input.tree, rendered, input.symlinks);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return { status: "refused", reason: `Template error in ${e.file}, line ${e.line}: ${e.detail}`, templateError: { file: e.file, line: e.line, message: e.detail } };
  }
  const existing = applied.problems.find((p) => p.exists);
  if (existing) return input.onExisting(existing.path);
  if (applied.problems.length > 0) return { status: "refused", reason: applied.problems.map((p) => p.message).join("; ") };
  if (applied.edits.length === 0) return { status: "refused", reason: "The templates produce no change: everything they would write is already there." };
  const changeSet: ChangeSet = {
    title: input.title,
    body: scaffoldBody({ summary: input.summary, templates: chosen.source.origin === "repository" ? `the repository's templates (\`${chosen.source.label}/\`)` : `Ferry's built-in ${chosen.source.preset} preset`, edits: applied.edits, notes: input.notes, requestedBy: input.requestedBy }),
    branch: input.branch,
    commitMessage: `${input.title}\n\n${applied.edits.map((e) => `${e.action === "create" ? "add" : "edit"} ${e.path}`).join("\n")}\n`,
    edits: applied.edits,
    diff: unifiedDiff(applied.edits),
  };
  return { status: "changes", changeSet, templates: chosen.source, unchanged: applied.unchanged, notes: input.notes };
}
