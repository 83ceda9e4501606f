// Go text/template, as Helm uses it, parsed into a tree. Ferry renders the charts whose templates are
// Argo CD Applications (app of apps) to learn what they deploy; it never runs a chart's other templates.
// The grammar is Go's (text/template/parse); what Ferry cannot evaluate fails at run time, not here.

/** A template construct Ferry does not evaluate, or a value the template requires and does not have. */
export class TemplateError extends Error {}

/** Text Go's own parser rejects (`.Values.a-b`): Helm refuses the whole chart, whatever Ferry could evaluate. */
export class TemplateSyntaxError extends TemplateError {
  /** 1-based line of the action in the template text, when known. */
  line?: number;
}

export type Operand =
  | { t: "field"; path: string[] }
  | { t: "var"; name: string; path: string[] }
  | { t: "lit"; value: string | number | boolean | null }
  | { t: "ident"; name: string }
  | { t: "sub"; pipe: Pipe; path: string[] };

export interface Pipe {
  /** `$x :=` declares, `$x =` assigns; `$k, $v :=` only in range. */
  decl?: { vars: string[]; assign: boolean };
  cmds: Operand[][];
}

export type Node =
  /** `src`: where the text starts in the template's own text, when the parse was asked for it. */
  | { t: "text"; text: string; src?: number }
  | { t: "action"; pipe: Pipe }
  | { t: "if" | "with"; pipe: Pipe; body: Node[]; else: Node[] }
  | { t: "range"; pipe: Pipe; body: Node[]; else: Node[] }
  | { t: "template"; name: string; pipe?: Pipe }
  | { t: "break" | "continue" };

export interface ParsedTemplate {
  nodes: Node[];
  defines: Map<string, Node[]>;
}

type Item = { t: "text"; text: string; src: number } | { t: "action"; body: string; start: number };

export type Delimiters = readonly [open: string, close: string];

const BRACES: Delimiters = ["{{", "}}"];

/** Split text into literal text and actions, applying the `{{-` / `-}}` trim markers. */
function lex(text: string, [open, close]: Delimiters): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let trimNext = false;
  for (;;) {
    const start = text.indexOf(open, pos);
    let literal = text.slice(pos, start < 0 ? undefined : start);
    let src = pos;
    if (trimNext) {
      const trimmed = literal.replace(/^\s+/, "");
      src += literal.length - trimmed.length;
      literal = trimmed;
    }
    if (start < 0) {
      if (literal !== "") items.push({ t: "text", text: literal, src });
      return items;
    }
    const end = actionEnd(text, start + open.length, close);
    if (end < 0) throw new TemplateError("unclosed action");
    let body = text.slice(start + open.length, end);
    if (/^-\s/.test(body)) {
      literal = literal.replace(/\s+$/, "");
      body = body.slice(1);
    }
    trimNext = /\s-$/.test(body);
    if (trimNext) body = body.slice(0, -1);
    if (literal !== "") items.push({ t: "text", text: literal, src });
    body = body.trim();
    if (!/^\/\*[\s\S]*\*\/$/.test(body)) items.push({ t: "action", body, start });
    pos = end + close.length;
  }
}

/** The `}}` that closes the action opened before `from`, outside string literals and comments. */
function actionEnd(text: string, from: number, close: string): number {
  let quote: string | null = null;
  for (let i = from; i < text.length - 1; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === "\\" && quote !== "`") i++;
      else if (ch === quote) quote = null;
    } else if (ch === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) return -1;
      i = close + 1;
    } else if (ch === '"' || ch === "`" || ch === "'") quote = ch;
    else if (text.startsWith(close, i)) return i;
  }
  return -1;
}

type Token =
  | { t: "(" | ")" | "|" | "," | ":=" | "=" }
  | { t: "field"; path: string[]; glued: boolean }
  | { t: "var"; name: string; path: string[] }
  | { t: "lit"; value: string | number | boolean | null }
  | { t: "ident"; name: string };

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] ?? "";
    const rest = expr.slice(i);
    if (/\s/.test(c)) i++;
    else if (rest.startsWith(":=")) {
      out.push({ t: ":=" });
      i += 2;
    } else if (c === "(" || c === ")" || c === "|" || c === "," || c === "=") {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < expr.length && expr[j] !== '"') {
        if (expr[j] === "\\" && j + 1 < expr.length) {
          const n = expr[j + 1] ?? "";
          s += n === "n" ? "\n" : n === "t" ? "\t" : n;
          j += 2;
        } else s += expr[j++] ?? "";
      }
      if (j >= expr.length) throw new TemplateError("unterminated string");
      out.push({ t: "lit", value: s });
      i = j + 1;
    } else if (c === "`") {
      const j = expr.indexOf("`", i + 1);
      if (j < 0) throw new TemplateError("unterminated raw string");
      out.push({ t: "lit", value: expr.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "'") {
      const m = /^'(\\.|[^'])'/.exec(rest);
      if (!m?.[1]) throw new TemplateError("bad character constant");
      out.push({ t: "lit", value: m[1].replace(/^\\/, "").charCodeAt(0) });
      i += m[0].length;
    } else if (c === "$") {
      const m = /^\$(\w*)((?:\.[A-Za-z_]\w*)*)/.exec(rest);
      const text = m?.[0] ?? "$";
      out.push({ t: "var", name: m?.[1] ?? "", path: (m?.[2] ?? "").split(".").filter((p) => p !== "") });
      i += text.length;
      endOfName(expr, i);
    } else if (c === ".") {
      const m = /^(?:\.[A-Za-z_]\w*)+|^\./.exec(rest);
      const text = m?.[0] ?? ".";
      const glued = i > 0 && /[)\w]/.test(expr[i - 1] ?? "");
      out.push({ t: "field", path: text.split(".").filter((p) => p !== ""), glued });
      i += text.length;
      endOfName(expr, i);
    } else if (/[-+\d]/.test(c)) {
      const m = /^[-+]?(0x[\da-fA-F]+|\d+(\.\d+)?([eE][-+]?\d+)?)/.exec(rest);
      if (!m) throw new TemplateError(`unexpected ${c}`);
      out.push({ t: "lit", value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const name = /^[A-Za-z_]\w*/.exec(rest)?.[0] ?? c;
      if (name === "true" || name === "false") out.push({ t: "lit", value: name === "true" });
      else if (name === "nil") out.push({ t: "lit", value: null });
      else out.push({ t: "ident", name });
      i += name.length;
    } else throw new TemplateError(`unexpected ${c}`);
  }
  return out;
}

/**
 * Go's lexer ends a field or variable name only at a space, `.`, `,`, `|`, `:`, `(`, `)` or the action's
 * end; anything else is "bad character" (helm/helm#2192: `.Values.a-b` needs `index .Values "a-b"`).
 */
function endOfName(expr: string, at: number): void {
  const c = expr[at];
  if (c === undefined || /[\s.,|:()=]/.test(c)) return;
  let start = at;
  while (start > 0 && /[\w.$]/.test(expr[start - 1] ?? "")) start--;
  const before = expr.slice(start, at);
  const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  const message = `bad character ${code} '${c}' after ${before}`;
  const dot = before.lastIndexOf(".");
  if (c !== "-" || dot < 0) throw new TemplateSyntaxError(message);
  const key = before.slice(dot + 1) + (/^[\w-]+/.exec(expr.slice(at))?.[0] ?? "");
  throw new TemplateSyntaxError(`${message} (a key with a dash is read with index ${dot > 0 ? before.slice(0, dot) : "."} "${key}")`);
}

export function parsePipe(expr: string): Pipe {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = () => tokens[pos];
  let decl: Pipe["decl"];
  // `$x :=`, `$x =`, `$k, $v :=`
  const d = tokens.findIndex((t) => t.t === ":=" || t.t === "=");
  if (d > 0 && tokens.slice(0, d).every((t, i) => (i % 2 === 0 ? t.t === "var" && t.path.length === 0 : t.t === ","))) {
    decl = { vars: tokens.slice(0, d).flatMap((t) => (t.t === "var" ? [t.name] : [])), assign: tokens[d]?.t === "=" };
    pos = d + 1;
  }
  const pipe = (): Pipe => {
    const cmds: Operand[][] = [];
    for (;;) {
      const cmd: Operand[] = [];
      while (pos < tokens.length && peek()?.t !== "|" && peek()?.t !== ")") cmd.push(operand());
      if (cmd.length === 0) throw new TemplateError("missing command");
      cmds.push(cmd);
      if (peek()?.t !== "|") return { cmds };
      pos++;
    }
  };
  const operand = (): Operand => {
    const tok = tokens[pos++];
    if (!tok) throw new TemplateError("missing operand");
    if (tok.t === "(") {
      const inner = pipe();
      if (tokens[pos++]?.t !== ")") throw new TemplateError("missing )");
      const next = peek();
      if (next?.t === "field" && next.glued) {
        pos++;
        return { t: "sub", pipe: inner, path: next.path };
      }
      return { t: "sub", pipe: inner, path: [] };
    }
    if (tok.t === "field") return { t: "field", path: tok.path };
    if (tok.t === "var") return { t: "var", name: tok.name, path: tok.path };
    if (tok.t === "lit") return { t: "lit", value: tok.value };
    if (tok.t === "ident") {
      // `inputs.tenant` (ResourceSets): a function's result, then a field of it.
      const next = peek();
      if (next?.t === "field" && next.glued) {
        pos++;
        return { t: "sub", pipe: { cmds: [[{ t: "ident", name: tok.name }]] }, path: next.path };
      }
      return { t: "ident", name: tok.name };
    }
    throw new TemplateError(`unexpected ${tok.t}`);
  };
  const result = pipe();
  if (pos !== tokens.length) throw new TemplateError("unexpected )");
  return { ...result, decl };
}

const KEYWORD = /^(if|else|end|range|with|define|template|block|break|continue)\b\s*([\s\S]*)$/;

/**
 * Parse a template file; `{{ define }}` blocks are collected by name (Helm shares them across a chart's files).
 * With `sources`, each text node says where it starts in `text`.
 */
export function parseTemplate(text: string, delimiters: Delimiters = BRACES, sources = false): ParsedTemplate {
  const items = lex(text, delimiters);
  const defines = new Map<string, Node[]>();
  let pos = 0;

  const nameOf = (rest: string): { name: string; pipe?: Pipe } => {
    const m = /^("(?:[^"\\]|\\.)*"|`[^`]*`)\s*([\s\S]*)$/.exec(rest);
    if (!m?.[1]) throw new TemplateError("template name expected");
    const name = m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1].slice(1, -1);
    return { name, pipe: m[2] ? parsePipe(m[2]) : undefined };
  };

  /** Nodes up to an `end` or `else` that closes the enclosing block; returns the closing keyword's text. */
  const list = (inBlock: boolean): { nodes: Node[]; close?: string } => {
    const nodes: Node[] = [];
    while (pos < items.length) {
      const item = items[pos++];
      if (!item) break;
      if (item.t === "text") {
        nodes.push(sources ? { t: "text", text: item.text, src: item.src } : { t: "text", text: item.text });
        continue;
      }
      const m = KEYWORD.exec(item.body);
      try {
        if (!m) {
          nodes.push({ t: "action", pipe: parsePipe(item.body) });
          continue;
        }
        const [, kw, rest = ""] = m;
        if (kw === "end" || kw === "else") {
          if (!inBlock) throw new TemplateError(`unexpected ${kw}`);
          return { nodes, close: item.body };
        }
        if (kw === "break" || kw === "continue") nodes.push({ t: kw });
        else if (kw === "template") {
          const { name, pipe } = nameOf(rest);
          nodes.push({ t: "template", name, pipe });
        } else if (kw === "define" || kw === "block") {
          const { name, pipe } = nameOf(rest);
          const body = list(true);
          if (body.close !== "end") throw new TemplateError(`${kw} without end`);
          defines.set(name, body.nodes);
          if (kw === "block") nodes.push({ t: "template", name, pipe });
        } else nodes.push(block(kw as "if" | "with" | "range", rest));
      } catch (e) {
        // The innermost action names the line (blocks parse their bodies within their own action).
        if (e instanceof TemplateSyntaxError && e.line === undefined) e.line = text.slice(0, item.start).split("\n").length;
        throw e;
      }
    }
    if (inBlock) throw new TemplateError("missing end");
    return { nodes };
  };

  const block = (kw: "if" | "with" | "range", rest: string): Node => {
    const pipe = parsePipe(rest);
    const body = list(true);
    let elseNodes: Node[] = [];
    const close = body.close ?? "";
    if (close !== "end") {
      // `else`, `else if …`, `else with …`: the chained form is a nested block that shares our `end`.
      const chained = /^else\s+(if|with)\b\s*([\s\S]*)$/.exec(close);
      if (chained?.[1]) elseNodes = [block(chained[1] as "if" | "with", chained[2] ?? "")];
      else {
        const tail = list(true);
        if (tail.close !== "end") throw new TemplateError("else after else");
        elseNodes = tail.nodes;
      }
    }
    return { t: kw, pipe, body: body.nodes, else: elseNodes };
  };

  const { nodes } = list(false);
  return { nodes, defines };
}
