import type { Node } from "./ast";
import { TemplateError } from "./errors";
import { parseTemplate } from "./parse";
import { doubleQuoted, isAmbiguousScalar, isSafeFragment } from "./quote";
import { describeKeys, isList, isMapValue, type TemplateContext, type TemplateValue } from "./values";

/**
 * How substituted values are written:
 * - `yaml`: as YAML scalars — plain when that is unambiguous, double-quoted when the value stands
 *   alone as a scalar and needs it; a value that needs quoting inside a larger scalar is an error.
 * - `path`: only characters that are safe in a repository path.
 * - `text`: as is (Markdown, plain text).
 */
export type RenderMode = "yaml" | "path" | "text";

const PATH_VALUE = /^[A-Za-z0-9._/-]+$/;

function lookup(scope: TemplateContext, path: string[], file: string, line: number): TemplateValue {
  let current: TemplateValue = scope;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (!isMapValue(current) || !Object.prototype.hasOwnProperty.call(current, key)) {
      const where = path.slice(0, i).join(".");
      const available = isMapValue(current) ? describeKeys(current) : "";
      throw new TemplateError(file, line, `unknown variable "${path.join(".")}"${where ? ` ("${where}" has no "${key}")` : ""}${available ? `; available: ${available}` : ""}`);
    }
    current = current[key]!;
  }
  return current;
}

function truthy(v: TemplateValue): boolean {
  if (isList(v)) return v.length > 0;
  if (isMapValue(v)) return Object.keys(v).length > 0;
  return v !== "" && v !== false && v !== 0;
}

/** Whether the output so far and the template text after the tag leave the value alone as a YAML scalar. */
function standsAlone(outputLine: string, after: string): boolean {
  const prefixOk = /(?:^\s*|:\s+|^\s*(?:-\s+)+|[[{,]\s*)$/.test(outputLine);
  const nl = after.indexOf("\n");
  const rest = nl < 0 ? after : after.slice(0, nl);
  const suffixOk = /^\s*(?:#.*)?$/.test(rest) || /^\s*[,\]}]/.test(rest);
  return prefixOk && suffixOk;
}

class Renderer {
  private out = "";

  constructor(
    private readonly file: string,
    private readonly mode: RenderMode,
  ) {}

  render(nodes: Node[], scope: TemplateContext): string {
    this.walk(nodes, scope);
    return this.out;
  }

  private walk(nodes: Node[], scope: TemplateContext): void {
    nodes.forEach((node, i) => {
      switch (node.type) {
        case "text":
          this.out += node.value;
          return;
        case "var": {
          const next = nodes[i + 1];
          this.out += this.scalar(lookup(scope, node.path, this.file, node.line), node, next?.type === "text" ? next.value : next ? "x" : "");
          return;
        }
        case "each": {
          const list = lookup(scope, node.list, this.file, node.line);
          if (!isList(list)) throw new TemplateError(this.file, node.line, `{{#each ${node.list.join(".")}}}: "${node.list.join(".")}" is not a list`);
          list.forEach((item, index) => {
            this.walk(node.body, { ...scope, [node.as]: item, "@index": index, "@first": index === 0, "@last": index === list.length - 1 });
          });
          return;
        }
        case "if": {
          const value = truthy(lookup(scope, node.path, this.file, node.line));
          this.walk(value !== node.negate ? node.then : node.otherwise, scope);
          return;
        }
      }
    });
  }

  private scalar(value: TemplateValue, node: Extract<Node, { type: "var" }>, after: string): string {
    const name = node.path.join(".");
    if (typeof value === "object") throw new TemplateError(this.file, node.line, `{{ ${name} }} is a ${isList(value) ? "list" : "map"}, not a single value: loop over it with {{#each ${name}}}`);
    const text = String(value);
    if (this.mode === "text") return text;
    // Numbers and booleans from the context are meant as such (containerPort: 8080), never quoted.
    if (this.mode === "yaml" && typeof value !== "string") return text;
    if (this.mode === "path") {
      if (!PATH_VALUE.test(text)) throw new TemplateError(this.file, node.line, `{{ ${name} }} = ${doubleQuoted(text)} cannot be part of a path`);
      return text;
    }
    const lineSoFar = this.out.slice(this.out.lastIndexOf("\n") + 1);
    // Inside a comment any one-line value is just text.
    if (/^\s*#|^[^'"]*\s#(\s|$)/.test(lineSoFar) && !/[\r\n\u2028\u2029\u0085]/.test(text)) return text;
    const alone = standsAlone(lineSoFar, after);
    if (isSafeFragment(text) && !(alone && isAmbiguousScalar(text))) return text;
    if (!alone) {
      throw new TemplateError(this.file, node.line, `{{ ${name} }} = ${doubleQuoted(text)} needs YAML quoting, so it must stand alone as a value (e.g. "key: {{ ${name} }}"), not inside a larger scalar`);
    }
    return doubleQuoted(text);
  }
}

/** Renders one template text. Throws TemplateError (file and line) on any problem. */
export function renderTemplate(source: string, context: TemplateContext, file: string, mode: RenderMode): string {
  return new Renderer(file, mode).render(parseTemplate(source, file), context);
}

/** Variables a template text refers to at top level (to know whether a path loops over environments). */
export function referencesVariable(source: string, file: string, root: string): boolean {
  const visit = (nodes: Node[]): boolean =>
    nodes.some((n) =>
      n.type === "var" ? n.path[0] === root : n.type === "each" ? n.list[0] === root || visit(n.body) : n.type === "if" ? n.path[0] === root || visit(n.then) || visit(n.otherwise) : false,
    );
  return visit(parseTemplate(source, file));
}
