import { parseAllDocuments } from "yaml";
import type { FileEdit } from "../change-set";
import { appendToSequence, valueAt, YamlEditError } from "../edit";
import type { FileTree } from "../model";
import type { EditSpec, RenderedSet } from "./template/template-set";
import { unsafePathReason } from "./safe-path";

export interface ApplyProblem {
  path: string;
  message: string;
  /** The file already exists with other content: the tenant/app (or a namesake) is already there. */
  exists?: boolean;
}

export interface Applied {
  edits: FileEdit[];
  problems: ApplyProblem[];
  /** Files the templates would create that already hold exactly that content. */
  unchanged: string[];
}

function normalizeNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

function applyEdit(text: string, spec: EditSpec): string {
  if (spec.append) {
    const current = valueAt(text, spec.append.doc, spec.append.path);
    // Already listed: adding it again would only duplicate the entry.
    if (Array.isArray(current) && current.some((v) => v === spec.append?.item)) return text;
    return appendToSequence(text, spec.append.doc, spec.append.path, spec.append.item);
  }
  const doc = spec.appendDocument ?? "";
  const body = doc.replace(/^---\s*\n/, "");
  // The same document already there (same kind and name): nothing to add.
  const added = parseAllDocuments(body)[0]?.toJS() as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | undefined;
  const exists = parseAllDocuments(text).some((d) => {
    const v = d.toJS() as typeof added;
    return v?.kind === added?.kind && v?.metadata?.name === added?.metadata?.name && v?.metadata?.namespace === added?.metadata?.namespace;
  });
  if (exists) return text;
  return `${normalizeNewline(text)}---\n${normalizeNewline(body)}`;
}

/**
 * Turns rendered templates into file edits against `tree`: new files are created (an existing file
 * with other content is a problem, with identical content it is left alone), and edits are applied
 * structurally to the current content, keeping comments and order.
 */
export function applyRendered(tree: FileTree, rendered: RenderedSet, symlinks: ReadonlySet<string> = new Set()): Applied {
  const problems: ApplyProblem[] = [];
  const unchanged: string[] = [];
  const next = new Map<string, { content: string; previous: string | null }>();

  for (const f of rendered.files) {
    const reason = unsafePathReason(f.path, symlinks);
    if (reason) {
      problems.push({ path: f.path, message: `${reason} (from ${f.source})` });
      continue;
    }
    if (next.has(f.path)) {
      problems.push({ path: f.path, message: `two template files render to ${f.path} (one of them is ${f.source})` });
      continue;
    }
    const existing = tree.get(f.path);
    if (existing !== undefined) {
      if (existing === f.content) unchanged.push(f.path);
      else problems.push({ path: f.path, message: `${f.path} already exists`, exists: true });
      continue;
    }
    next.set(f.path, { content: f.content, previous: null });
  }

  for (const spec of rendered.edits) {
    const reason = unsafePathReason(spec.file, symlinks);
    if (reason) {
      problems.push({ path: spec.file, message: `${reason} (from ${spec.source})` });
      continue;
    }
    const pending = next.get(spec.file);
    const current = pending?.content ?? tree.get(spec.file);
    if (current === undefined) {
      if (spec.create !== undefined) next.set(spec.file, { content: normalizeNewline(spec.create), previous: null });
      else if (!spec.optional) problems.push({ path: spec.file, message: `${spec.file} does not exist, and ${spec.source} says neither "create" nor "optional"` });
      continue;
    }
    try {
      const content = applyEdit(current, spec);
      next.set(spec.file, { content, previous: pending ? pending.previous : current });
    } catch (e) {
      if (!(e instanceof YamlEditError)) throw e;
      problems.push({ path: spec.file, message: `${spec.file}${e.line ? `:${e.line}` : ""}: cannot edit it (${e.message})` });
    }
  }

  const edits: FileEdit[] = [...next.entries()]
    .filter(([, v]) => v.content !== v.previous)
    .map(([path, v]) => ({ path, action: v.previous === null ? ("create" as const) : ("update" as const), content: v.content, previous: v.previous }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return { edits, problems, unchanged };
}
