import type { Node } from "./ast";
import { TemplateError } from "./errors";

const IDENT = "[A-Za-z_@][A-Za-z0-9_]*";
const PATH = new RegExp(`^${IDENT}(?:\\.${IDENT})*$`);
const EACH = new RegExp(`^#each\\s+(${IDENT}(?:\\.${IDENT})*)(?:\\s+as\\s+(${IDENT}))?$`);
const IF = new RegExp(`^#(if|unless)\\s+(${IDENT}(?:\\.${IDENT})*)$`);

/** Loop variable for a list when the template does not name one. */
function defaultItemName(list: string[]): string {
  const last = list[list.length - 1];
  if (last === "environments") return "env";
  if (last === "owners") return "owner";
  return "item";
}

interface Token {
  kind: "text" | "tag";
  value: string;
  line: number;
}

function tokenize(source: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let text = "";
  let textLine = 1;
  const flushText = () => {
    if (text) tokens.push({ kind: "text", value: text, line: textLine });
    text = "";
  };
  while (i < source.length) {
    if (source.startsWith("\\{{", i)) {
      if (!text) textLine = line;
      text += "{{";
      i += 3;
      continue;
    }
    if (source.startsWith("{{", i)) {
      const end = source.indexOf("}}", i + 2);
      if (end < 0) throw new TemplateError(file, line, 'unclosed "{{": every tag ends with "}}" (write "\\{{" for a literal "{{")');
      const inner = source.slice(i + 2, end);
      if (inner.includes("\n")) throw new TemplateError(file, line, "a tag must fit on one line");
      flushText();
      tokens.push({ kind: "tag", value: inner.trim(), line });
      i = end + 2;
      continue;
    }
    if (!text) textLine = line;
    if (source[i] === "\n") line++;
    text += source[i];
    i++;
  }
  flushText();
  return stripStandaloneBlockLines(tokens);
}

const isBlockTag = (t: Token | undefined) => t?.kind === "tag" && /^(#|\/|else$)/.test(t.value);

/**
 * A block tag alone on its line (`{{#each environments}}`) takes the whole line with it, so loops
 * over YAML list items leave no blank lines behind (the mustache "standalone" rule).
 */
function stripStandaloneBlockLines(tokens: Token[]): Token[] {
  // Decide on the original texts first, then cut: two block tags on consecutive lines share the text between them.
  const head = new Map<number, number>();
  const tail = new Map<number, number>();
  for (let k = 0; k < tokens.length; k++) {
    const tag = tokens[k];
    if (!tag || !isBlockTag(tag)) continue;
    const before = tokens[k - 1];
    const after = tokens[k + 1];
    const beforeText = before?.kind === "text" ? before.value : k === 0 ? "" : null;
    const afterText = after?.kind === "text" ? after.value : k === tokens.length - 1 ? "" : null;
    if (beforeText === null || afterText === null) continue;
    const lineStart = beforeText.lastIndexOf("\n");
    // Only the start of the template or a line break may precede the tag on its line.
    if (beforeText.slice(lineStart + 1).trim() !== "" || (lineStart < 0 && k > 1)) continue;
    const nl = afterText.indexOf("\n");
    const trail = nl < 0 ? afterText : afterText.slice(0, nl);
    if (trail.trim() !== "" || (nl < 0 && k + 1 < tokens.length - 1)) continue;
    if (before?.kind === "text") tail.set(k - 1, lineStart + 1);
    if (after?.kind === "text") head.set(k + 1, nl < 0 ? afterText.length : nl + 1);
  }
  return tokens
    .map((t, k) => {
      if (t.kind !== "text") return t;
      const from = head.get(k) ?? 0;
      const to = Math.max(from, tail.get(k) ?? t.value.length);
      // Keep the line number of the first kept character.
      const line = t.line + (t.value.slice(0, from).match(/\n/g)?.length ?? 0);
      return { ...t, value: t.value.slice(from, to), line };
    })
    .filter((t) => t.kind === "tag" || t.value !== "");
}

function parsePath(expr: string, file: string, line: number): string[] {
  if (!PATH.test(expr)) throw new TemplateError(file, line, `"{{ ${expr} }}" is not a variable: use a name such as {{ name }} or {{ env.name }} (no expressions, no filters)`);
  return expr.split(".");
}

/** Parses a template into nodes; syntax errors name the file and line. */
export function parseTemplate(source: string, file: string): Node[] {
  const tokens = tokenize(source, file);
  let pos = 0;

  function parseBlock(closers: string[]): { nodes: Node[]; closer: string | null; line: number } {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos++]!;
      if (t.kind === "text") {
        nodes.push({ type: "text", value: t.value, line: t.line });
        continue;
      }
      const v = t.value;
      if (closers.includes(v)) return { nodes, closer: v, line: t.line };
      if (v.startsWith("/") || v === "else") throw new TemplateError(file, t.line, `unexpected {{${v}}}${closers.length ? ` (expected {{${closers.join("}} or {{")}}})` : ""}`);
      const each = EACH.exec(v);
      if (each) {
        const list = parsePath(each[1]!, file, t.line);
        const body = parseBlock(["/each"]);
        if (body.closer === null) throw new TemplateError(file, t.line, "{{#each}} is never closed with {{/each}}");
        nodes.push({ type: "each", list, as: each[2] ?? defaultItemName(list), body: body.nodes, line: t.line });
        continue;
      }
      const cond = IF.exec(v);
      if (cond) {
        const closer = `/${cond[1]}`;
        const then = parseBlock(["else", closer]);
        if (then.closer === null) throw new TemplateError(file, t.line, `{{#${cond[1]}}} is never closed with {{${closer}}}`);
        let otherwise: Node[] = [];
        if (then.closer === "else") {
          const rest = parseBlock([closer]);
          if (rest.closer === null) throw new TemplateError(file, t.line, `{{#${cond[1]}}} is never closed with {{${closer}}}`);
          otherwise = rest.nodes;
        }
        nodes.push({ type: "if", path: parsePath(cond[2]!, file, t.line), negate: cond[1] === "unless", then: then.nodes, otherwise, line: t.line });
        continue;
      }
      if (v.startsWith("#")) throw new TemplateError(file, t.line, `unknown block "{{${v}}}": only {{#each list}}, {{#if x}} and {{#unless x}} exist`);
      nodes.push({ type: "var", path: parsePath(v, file, t.line), line: t.line });
    }
    return { nodes, closer: null, line: 0 };
  }

  const result = parseBlock([]);
  return result.nodes;
}
