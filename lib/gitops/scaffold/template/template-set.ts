import { parseAllDocuments } from "yaml";
import { z } from "zod";
import type { FileTree } from "../../model";
import { TemplateError } from "./errors";
import { referencesVariable, renderTemplate, type RenderMode } from "./render";
import { isList, type TemplateContext } from "./values";

/** The one template file that is not an output: structural edits of files that already exist. */
export const EDITS_FILE = "_edits.yaml";

export interface RenderedFile {
  path: string;
  content: string;
  /** Template file it came from, e.g. `.ferry/templates/tenant/tenants/{{ name }}/rbac.yaml`. */
  source: string;
}

/** A structural edit of a file that may already exist (comment- and order-preserving). */
export interface EditSpec {
  file: string;
  /** Append `item` to the sequence at this YAML path (`resources`, `teams.payments`). */
  append?: { path: (string | number)[]; item: string; doc: number };
  /** Append a YAML document (`---` separated) to a multi-document file. */
  appendDocument?: string;
  /** Content of the file when it does not exist yet (already including what the edit adds). */
  create?: string;
  /** Skip the edit when the file does not exist and there is no `create`. */
  optional: boolean;
  source: string;
}

export interface RenderedSet {
  files: RenderedFile[];
  edits: EditSpec[];
}

const editSchema = z.strictObject({
  file: z.string().min(1),
  append: z.string().min(1).optional(),
  item: z.string().min(1).optional(),
  doc: z.number().int().min(0).optional(),
  appendDocument: z.string().min(1).optional(),
  create: z.string().min(1).optional(),
  optional: z.boolean().optional(),
});
const editsSchema = z.strictObject({ edits: z.array(editSchema).nullable().default([]) });

const isYaml = (path: string) => /\.ya?ml$/.test(path);

function checkYaml(content: string, source: string): void {
  for (const doc of parseAllDocuments(content, { prettyErrors: true })) {
    const err = doc.errors[0];
    if (err) throw new TemplateError(source, err.linePos?.[0].line ?? 1, `renders invalid YAML (line ${err.linePos?.[0].line ?? "?"} of the output): ${err.message.split("\n")[0]}`);
  }
}

function renderEdits(source: string, context: TemplateContext, file: string): EditSpec[] {
  const text = renderTemplate(source, context, file, "yaml");
  checkYaml(text, file);
  const docs = parseAllDocuments(text);
  const raw: unknown = docs[0]?.toJS() ?? {};
  const parsed = editsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TemplateError(file, 1, `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"} (expected "edits:" with entries of file, append+item or appendDocument, create, optional)`);
  }
  return (parsed.data.edits ?? []).map((e, i) => {
    if ((e.append === undefined) === (e.appendDocument === undefined)) throw new TemplateError(file, 1, `edits[${i}] needs exactly one of "append" (with "item") or "appendDocument"`);
    if (e.append !== undefined && e.item === undefined) throw new TemplateError(file, 1, `edits[${i}] appends to ${e.append} but has no "item"`);
    const path = e.append?.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    return {
      file: e.file,
      ...(path && e.item !== undefined ? { append: { path, item: e.item, doc: e.doc ?? 0 } } : {}),
      ...(e.appendDocument !== undefined ? { appendDocument: e.appendDocument } : {}),
      ...(e.create !== undefined ? { create: e.create } : {}),
      optional: e.optional ?? false,
      source: file,
    };
  });
}

/**
 * Renders a template folder (template path → text) into files and edits. Paths are templates too;
 * a path that uses `env` yields one file per environment. A file that renders empty is left out
 * (a whole-file `{{#if}}`). Throws TemplateError naming the template file and line.
 */
export function renderTemplateSet(templates: FileTree, context: TemplateContext, label: string): RenderedSet {
  const files: RenderedFile[] = [];
  let edits: EditSpec[] = [];
  const envs = context.environments;
  for (const templatePath of [...templates.keys()].sort()) {
    const source = templates.get(templatePath) ?? "";
    const file = `${label}/${templatePath}`;
    if (templatePath === EDITS_FILE) {
      edits = renderEdits(source, context, file);
      continue;
    }
    const base = templatePath.slice(templatePath.lastIndexOf("/") + 1);
    if (base.startsWith("_")) continue;
    const mode: RenderMode = isYaml(templatePath) ? "yaml" : "text";
    const perEnv = referencesVariable(templatePath, file, "env");
    const scopes: TemplateContext[] = perEnv ? (isList(envs) ? envs.map((env) => ({ ...context, env })) : []) : [context];
    for (const scope of scopes) {
      const path = renderTemplate(templatePath, scope, `${file} (path)`, "path");
      const content = renderTemplate(source, scope, file, mode);
      if (content.trim() === "") continue;
      if (mode === "yaml") checkYaml(content, file);
      files.push({ path, content, source: file });
    }
  }
  return { files, edits };
}
