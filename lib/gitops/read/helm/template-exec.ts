import { isRecord } from "../../yaml";
import { FUNCS, isEmpty, printValue, toYaml, type Func } from "./template-funcs";
import { parsePipe, parseTemplate, TemplateError, TemplateSyntaxError, type Delimiters, type Node, type Operand, type ParsedTemplate, type Pipe } from "./template-parse";
import { plain, Sourced, ValuesOrigins, type ValuesPath } from "./template-values";

/** Where a value of the chart's values was printed in the output: `[start, end)` of the rendered text. */
export interface PrintedValue {
  start: number;
  end: number;
  /** A scalar's path, or a subtree printed whole (`toYaml`). */
  path: ValuesPath;
  value?: string;
  subtree?: unknown;
}

export interface Rendered {
  text: string;
  printed: PrintedValue[];
  /** `[start, end)` of everything an action printed, traced or not: the rest of the text is the template's own. */
  actions?: { start: number; end: number }[];
  /** With `render(…, { sources: true })`: the template's own text, `[start, end)` of the output written from `src` on in the template. */
  sources?: { start: number; end: number; src: number }[];
}

class Break {}
class Continue {}

const MAX_OUTPUT = 4 * 1024 * 1024;
const MAX_DEPTH = 50;

/**
 * Renders the templates of one chart with one set of values, as `helm template` would for the
 * constructs Ferry evaluates, and records where each value of the values was printed.
 */
export class ChartRenderer {
  private readonly defines = new Map<string, Node[]>();
  private readonly origins = new ValuesOrigins();
  private out = "";
  private printed: PrintedValue[] = [];
  private actions: { start: number; end: number }[] = [];
  private sources: { start: number; end: number; src: number }[] = [];
  private depth = 0;

  private readonly funcs: Record<string, Func>;
  /**
   * What `toJson` serialised, by its text: charts build a list in a helper and hand it over as JSON
   * (`include "apps" $ | fromJsonArray`). Parsing that same text back gives the values it was made of,
   * which still know where in the values they were read.
   */
  private readonly json = new Map<string, unknown>();

  constructor(
    private readonly root: Record<string, unknown>,
    /** Every template file of the chart: `define`s anywhere are visible everywhere. */
    files: readonly { path: string; text: string }[],
    /** Where printed values are traced from (Helm: `.Values`), and functions of the caller's own (`inputs`). */
    options: { traced?: unknown; funcs?: Record<string, Func> } = {},
  ) {
    this.origins.register(options.traced ?? root.Values, []);
    this.funcs = { ...FUNCS, ...options.funcs };
    for (const f of files) {
      try {
        for (const [name, body] of parseTemplate(f.text).defines) this.defines.set(name, body);
      } catch {
        // A helper file Ferry cannot parse only matters to the templates that include from it.
      }
    }
  }

  render(text: string, delimiters?: Delimiters, options: { sources?: boolean } = {}): Rendered {
    const parsed = parseTemplate(text, delimiters, options.sources);
    for (const [name, body] of parsed.defines) if (!this.defines.has(name)) this.defines.set(name, body);
    this.out = "";
    this.printed = [];
    this.actions = [];
    this.sources = [];
    this.nodes(parsed.nodes, this.root, [new Map([["", this.root]])]);
    return { text: this.out, printed: this.printed, actions: this.actions, ...(options.sources ? { sources: this.sources } : {}) };
  }

  /** One action's pipeline (`.a.b | lower`), evaluated with `dot` as `.` and `$`: what ApplicationSets render field by field. */
  evaluate(expr: string, dot: unknown): unknown {
    return plain(this.pipe(parsePipe(expr), dot, [new Map([["", dot]])]));
  }

  private nodes(list: readonly Node[], dot: unknown, vars: Map<string, unknown>[]): void {
    for (const n of list) this.node(n, dot, vars);
  }

  private node(n: Node, dot: unknown, vars: Map<string, unknown>[]): void {
    switch (n.t) {
      case "text":
        if (n.src !== undefined) this.sources.push({ start: this.out.length, end: this.out.length + n.text.length, src: n.src });
        this.emit(n.text);
        return;
      case "action": {
        const v = this.pipe(n.pipe, dot, vars);
        if (!n.pipe.decl) this.print(v);
        return;
      }
      case "if": {
        const v = this.pipe(n.pipe, dot, [...vars, new Map()]);
        this.nodes(isEmpty(v) ? n.else : n.body, dot, [...vars, new Map()]);
        return;
      }
      case "with": {
        const scope = [...vars, new Map<string, unknown>()];
        const v = this.pipe(n.pipe, dot, scope);
        if (isEmpty(v)) this.nodes(n.else, dot, [...vars, new Map()]);
        else this.nodes(n.body, v, scope);
        return;
      }
      case "range":
        this.range(n, dot, vars);
        return;
      case "template": {
        const body = this.defines.get(n.name);
        if (!body) throw new TemplateError(`template ${n.name} not defined`);
        const arg = n.pipe ? this.pipe(n.pipe, dot, vars) : undefined;
        this.call(() => this.nodes(body, arg, [new Map([["", this.root]])]));
        return;
      }
      case "break":
        throw new Break();
      case "continue":
        throw new Continue();
    }
  }

  private range(n: Extract<Node, { t: "range" }>, dot: unknown, vars: Map<string, unknown>[]): void {
    const decl = n.pipe.decl;
    const over = this.pipe({ cmds: n.pipe.cmds }, dot, vars);
    const x = plain(over);
    let entries: [unknown, unknown][];
    if (Array.isArray(x)) entries = x.map((_, i) => [i, this.origins.child(x, i)]);
    else if (isRecord(x))
      entries = Object.keys(x)
        .sort()
        .map((k) => [k, this.origins.child(x, k)]);
    else if (typeof x === "number") entries = Array.from({ length: Math.max(0, Math.trunc(x)) }, (_, i) => [i, i]);
    else if (x === undefined || x === null) entries = [];
    else throw new TemplateError("range over a scalar");
    if (entries.length === 0) {
      this.nodes(n.else, dot, [...vars, new Map()]);
      return;
    }
    for (const [key, value] of entries) {
      const scope = new Map<string, unknown>();
      if (decl?.vars.length === 1) scope.set(decl.vars[0] ?? "", value);
      else if (decl && decl.vars.length >= 2) {
        scope.set(decl.vars[0] ?? "", key);
        scope.set(decl.vars[1] ?? "", value);
      }
      try {
        this.nodes(n.body, value, [...vars, scope]);
      } catch (e) {
        if (e instanceof Break) break;
        if (!(e instanceof Continue)) throw e;
      }
    }
  }

  private call(f: () => void): void {
    if (++this.depth > MAX_DEPTH) throw new TemplateError("templates nest too deep");
    try {
      f();
    } finally {
      this.depth--;
    }
  }

  private emit(text: string): void {
    this.out += text;
    if (this.out.length > MAX_OUTPUT) throw new TemplateError("rendered output over 4 MB");
  }

  private print(v: unknown): void {
    const start = this.out.length;
    this.printTraced(v, start);
    this.actions.push({ start, end: this.out.length });
  }

  private printTraced(v: unknown, start: number): void {
    if (v instanceof PrintedYaml) {
      this.emit(v.text);
      this.printed.push({ start, end: this.out.length, path: v.path, subtree: v.subtree });
      return;
    }
    if (v instanceof Sourced) {
      const text = v.printed ?? printValue(v.value);
      this.emit(text);
      this.printed.push({ start, end: this.out.length, path: v.path, value: printValue(v.value) });
      return;
    }
    this.emit(printValue(v));
  }

  private pipe(p: Pipe, dot: unknown, vars: Map<string, unknown>[]): unknown {
    let value: unknown;
    let piped = false;
    for (const cmd of p.cmds) {
      value = this.command(cmd, dot, vars, piped ? { value } : undefined);
      piped = true;
    }
    if (p.decl) {
      const name = p.decl.vars[0] ?? "";
      if (p.decl.assign) {
        const scope = [...vars].reverse().find((s) => s.has(name));
        if (!scope) throw new TemplateError(`undefined variable $${name}`);
        scope.set(name, value);
      } else vars.at(-1)?.set(name, value);
    }
    return value;
  }

  private command(cmd: Operand[], dot: unknown, vars: Map<string, unknown>[], piped: { value: unknown } | undefined): unknown {
    const [head, ...rest] = cmd;
    if (!head) throw new TemplateError("empty command");
    // `.Files.Get "path"`: the one method call charts make on their own files.
    if ((head.t === "field" || head.t === "var") && head.path.length > 0) {
      const method = head.path[head.path.length - 1] ?? "";
      const owner = head.t === "field" ? this.walk(dot, head.path.slice(0, -1)) : this.operand({ ...head, path: head.path.slice(0, -1) }, dot, vars);
      if (owner instanceof ChartFiles) {
        const args = [...rest.map((o) => this.operand(o, dot, vars)), ...(piped ? [piped.value] : [])];
        return owner.call(method, args.map((a) => printValue(a)));
      }
    }
    if (head.t !== "ident") {
      if (rest.length > 0 || piped) throw new TemplateError("method calls are not evaluated");
      return this.operand(head, dot, vars);
    }
    const args = (): unknown[] => [...rest.map((o) => this.operand(o, dot, vars)), ...(piped ? [piped.value] : [])];
    switch (head.name) {
      case "and": {
        let last: unknown = true;
        for (const o of [...rest.map((r) => () => this.operand(r, dot, vars)), ...(piped ? [() => piped.value] : [])]) {
          last = o();
          if (isEmpty(last)) return last;
        }
        return last;
      }
      case "or": {
        let last: unknown = false;
        for (const o of [...rest.map((r) => () => this.operand(r, dot, vars)), ...(piped ? [() => piped.value] : [])]) {
          last = o();
          if (!isEmpty(last)) return last;
        }
        return last;
      }
      case "index": {
        const [x, ...keys] = args();
        return keys.length === 0 ? x : this.sourcedLeaf(x, keys);
      }
      case "include": {
        const [name, arg] = args();
        return this.capture(() => {
          const body = this.defines.get(printValue(name));
          if (!body) throw new TemplateError(`template ${printValue(name)} not defined`);
          this.nodes(body, arg, [new Map([["", this.root]])]);
        });
      }
      case "tpl": {
        const [text, ctx] = args();
        const parsed = tplParse(printValue(text));
        return this.capture(() => this.nodes(parsed.nodes, ctx, [new Map([["", this.root]])]));
      }
      case "toJson": {
        const [v] = args();
        const text = this.funcs.toJson?.([v]) as string;
        this.json.set(text, v);
        return text;
      }
      case "fromJson":
      case "fromJsonArray": {
        const [text] = args();
        // A helper's text around the JSON (the newlines of its actions) does not change what it parses to.
        const built = this.json.get(printValue(text).trim());
        const fits = head.name === "fromJson" ? isRecord(plain(built)) : Array.isArray(plain(built));
        return fits ? copyTraced(built) : this.funcs[head.name]?.([text]);
      }
      case "toYaml": {
        const [v] = args();
        const path = this.origins.pathOf(plain(v));
        const text = toYaml(v);
        return path ? new PrintedYaml(text, path, plain(v)) : text;
      }
      case "nindent":
      case "indent": {
        const a = args();
        const [, v] = a;
        const text = this.funcs[head.name]?.(a.map((x) => (x instanceof PrintedYaml ? x.text : x))) as string;
        return v instanceof PrintedYaml ? new PrintedYaml(text, v.path, v.subtree) : text;
      }
      default: {
        const fn = this.funcs[head.name];
        if (!fn) throw new TemplateError(`function ${head.name} is not evaluated`);
        return fn(args().map((x) => (x instanceof PrintedYaml ? x.text : x)));
      }
    }
  }

  /** `index .Values.apps "shop" "tag"` keeps the value's source like a field chain does. */
  private sourcedLeaf(x: unknown, keys: unknown[]): unknown {
    let cur: unknown = plain(x);
    for (const k of keys) cur = this.origins.child(plain(cur), plain(k) as string | number);
    return cur;
  }

  /** Render into a string (`include`, `tpl`), as Helm does, keeping nothing of what was printed inside. */
  private capture(f: () => void): string {
    const saved = { out: this.out, printed: this.printed, actions: this.actions };
    this.out = "";
    this.printed = [];
    this.actions = [];
    try {
      this.call(f);
      return this.out;
    } finally {
      this.out = saved.out;
      this.printed = saved.printed;
      this.actions = saved.actions;
    }
  }

  private operand(o: Operand, dot: unknown, vars: Map<string, unknown>[]): unknown {
    switch (o.t) {
      case "lit":
        return o.value;
      case "ident":
        if (this.funcs[o.name] && !["include", "tpl"].includes(o.name)) return this.funcs[o.name]?.([]);
        throw new TemplateError(`${o.name} used as a value`);
      case "field":
        return this.walk(dot, o.path);
      case "var": {
        const scope = [...vars].reverse().find((s) => s.has(o.name));
        if (!scope) throw new TemplateError(`undefined variable $${o.name}`);
        return this.walk(scope.get(o.name), o.path);
      }
      case "sub":
        return this.walk(this.pipe(o.pipe, dot, vars), o.path);
    }
  }

  private walk(start: unknown, path: readonly string[]): unknown {
    let cur = start;
    for (const step of path) {
      const x = plain(cur);
      if (x === undefined || x === null) return undefined;
      if (!isRecord(x)) throw new TemplateError(`can't evaluate field ${step} of a ${typeof x}`);
      cur = this.origins.child(x, step);
    }
    return cur;
  }
}

/** A fresh copy of built lists and dicts (a template may `set` into what it parsed), keeping traced scalars. */
function copyTraced(v: unknown): unknown {
  if (v instanceof Sourced) return v;
  if (Array.isArray(v)) return v.map(copyTraced);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, w]) => [k, copyTraced(w)]));
  return v;
}

/** `.Files` of a chart: `Get` reads a file of the chart (its path relative to the chart folder). */
export class ChartFiles {
  constructor(private readonly read: (path: string) => string | undefined) {}

  call(method: string, args: string[]): unknown {
    if (method === "Get") return this.read(args[0] ?? "") ?? "";
    throw new TemplateError(`.Files.${method} is not evaluated`);
  }
}

/** `toYaml` of a subtree of the values: printed text that still knows which values it came from. */
class PrintedYaml extends Sourced {
  constructor(
    readonly text: string,
    path: ValuesPath,
    readonly subtree: unknown,
  ) {
    super(text, path, text);
  }
}

/** `tpl` parses its text when it runs: Helm fails the render on a syntax error there, naming tpl. */
function tplParse(text: string): ParsedTemplate {
  try {
    return parseTemplate(text);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    throw new TemplateSyntaxError(`error calling tpl: ${e.message}${e.line !== undefined ? ` (line ${e.line} of its text)` : ""}`);
  }
}
