import { createHash } from "node:crypto";
import jsYaml from "js-yaml";
import semver from "semver";
import { isRecord } from "../../yaml";
import { TemplateError } from "./template-parse";
import { deepPlain, plain, Sourced } from "./template-values";

// The Go template builtins and the Sprig/Helm functions app-of-apps charts use. Functions whose result
// depends on the cluster or the clock (`lookup`, `now`, `randAlphaNum`) are not here: a template that
// calls them is not rendered, rather than rendered wrong.

export type Func = (args: unknown[]) => unknown;

/** Go's notion of an empty value, which `if`, `default` and `empty` share. */
export function isEmpty(v: unknown): boolean {
  const x = plain(v);
  if (x === undefined || x === null || x === "" || x === 0 || x === false) return true;
  if (Array.isArray(x)) return x.length === 0;
  return isRecord(x) && Object.keys(x).length === 0;
}

/** How Go prints a value in a template (Helm turns `<no value>` into nothing). */
export function printValue(v: unknown): string {
  const x = plain(v);
  if (x === undefined || x === null) return "";
  if (typeof x === "string") return x;
  if (typeof x === "number" || typeof x === "boolean") return String(x);
  if (Array.isArray(x)) return `[${x.map(printValue).join(" ")}]`;
  if (isRecord(x))
    return `map[${Object.keys(x)
      .sort()
      .map((k) => `${k}:${printValue(x[k])}`)
      .join(" ")}]`;
  return String(x);
}

function str(v: unknown): string {
  return printValue(v);
}

function num(v: unknown): number {
  const x = plain(v);
  const n = typeof x === "number" ? x : typeof x === "string" ? Number(x) : typeof x === "boolean" ? Number(x) : NaN;
  return Number.isNaN(n) ? 0 : n;
}

function list(v: unknown): unknown[] {
  const x = plain(v);
  if (Array.isArray(x)) return x;
  if (x === undefined || x === null) return [];
  throw new TemplateError("not a list");
}

export function toYaml(v: unknown): string {
  const x = deepPlain(v);
  if (x === undefined || x === null) return "null";
  return jsYaml.dump(x, { sortKeys: true, lineWidth: -1, noRefs: true }).replace(/\n$/, "");
}

function indent(n: number, s: string): string {
  const pad = " ".repeat(n);
  return pad + s.replace(/\n/g, `\n${pad}`);
}

/** Keeps the values source of a scalar through functions that decorate it, so the printed text can be traced. */
function decorate(v: unknown, f: (s: string) => string): unknown {
  if (v instanceof Sourced) return new Sourced(v.value, v.path, f(v.printed ?? str(v)));
  return f(str(v));
}

function compare(a: unknown, b: unknown): number {
  const x = plain(a);
  const y = plain(b);
  if (typeof x === "number" && typeof y === "number") return x - y;
  return str(x) < str(y) ? -1 : str(x) > str(y) ? 1 : 0;
}

function equal(a: unknown, b: unknown): boolean {
  const x = plain(a);
  const y = plain(b);
  if ((x === undefined || x === null) && (y === undefined || y === null)) return true;
  return typeof x === typeof y && x === y;
}

export const FUNCS: Record<string, Func> = {
  // Go builtins (`and`, `or` are evaluated lazily by the executor).
  not: ([v]) => isEmpty(v),
  eq: ([a, ...rest]) => rest.some((b) => equal(a, b)),
  ne: ([a, b]) => !equal(a, b),
  lt: ([a, b]) => compare(a, b) < 0,
  le: ([a, b]) => compare(a, b) <= 0,
  gt: ([a, b]) => compare(a, b) > 0,
  ge: ([a, b]) => compare(a, b) >= 0,
  len: ([v]) => {
    const x = plain(v);
    if (typeof x === "string" || Array.isArray(x)) return x.length;
    if (isRecord(x)) return Object.keys(x).length;
    throw new TemplateError("len of a scalar");
  },
  print: (args) => args.map(str).join(""),
  println: (args) => `${args.map(str).join(" ")}\n`,
  printf: ([f, ...args]) => {
    let n = 0;
    return str(f).replace(/%([-+ 0#]*\d*(?:\.\d+)?)([svdqtfx%])/g, (_, _flags: string, verb: string) => {
      if (verb === "%") return "%";
      const a = args[n++];
      if (verb === "q") return JSON.stringify(str(a));
      if (verb === "d") return String(Math.trunc(num(a)));
      return str(a);
    });
  },
  // Sprig: strings
  default: ([d, v]) => (isEmpty(v) ? d : v),
  required: ([msg, v]) => {
    if (isEmpty(v) && plain(v) !== false && plain(v) !== 0) throw new TemplateError(`required: ${str(msg)}`);
    return v;
  },
  fail: ([msg]) => {
    throw new TemplateError(`fail: ${str(msg)}`);
  },
  coalesce: (args) => args.find((a) => !isEmpty(a)),
  ternary: ([a, b, c]) => (isEmpty(c) ? b : a),
  empty: ([v]) => isEmpty(v),
  quote: (args) => args.map((a) => decorate(a, (s) => JSON.stringify(s))).reduce((x, y) => `${str(x)} ${str(y)}`),
  squote: ([v]) => decorate(v, (s) => `'${s}'`),
  toString: ([v]: unknown[]) => decorate(v, (s) => s),
  trim: ([v]) => decorate(v, (s) => s.trim()),
  lower: ([s]) => str(s).toLowerCase(),
  upper: ([s]) => str(s).toUpperCase(),
  title: ([s]) => str(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  trimPrefix: ([p, s]) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: ([p, s]) => (str(p) !== "" && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
  trimAll: ([c, s]) => str(s).replace(new RegExp(`^[${escapeClass(str(c))}]+|[${escapeClass(str(c))}]+$`, "g"), ""),
  replace: ([a, b, s]) => str(s).split(str(a)).join(str(b)),
  trunc: ([n, s]) => (num(n) >= 0 ? str(s).slice(0, num(n)) : str(s).slice(num(n))),
  contains: ([sub, s]) => str(s).includes(str(sub)),
  hasPrefix: ([p, s]) => str(s).startsWith(str(p)),
  hasSuffix: ([p, s]) => str(s).endsWith(str(p)),
  cat: (args) => args.filter((a) => plain(a) !== undefined && plain(a) !== null).map(str).join(" "),
  indent: ([n, s]) => indent(num(n), str(s)),
  nindent: ([n, s]) => `\n${indent(num(n), str(s))}`,
  repeat: ([n, s]) => str(s).repeat(Math.max(0, num(n))),
  split: ([sep, s]) => Object.fromEntries(str(s).split(str(sep)).map((p, i) => [`_${i}`, p])),
  splitList: ([sep, s]) => str(s).split(str(sep)),
  join: ([sep, l]) => list(l).map(str).join(str(sep)),
  base: ([s]) => str(s).replace(/\/+$/, "").split("/").pop() || ".",
  dir: ([s]) => str(s).replace(/\/[^/]*$/, "") || ".",
  regexMatch: ([re, s]) => new RegExp(str(re)).test(str(s)),
  regexReplaceAll: ([re, s, repl]) => str(s).replace(new RegExp(str(re), "g"), str(repl).replace(/\$\{?(\d+)\}?/g, "$$$1")),
  b64enc: ([s]) => Buffer.from(str(s)).toString("base64"),
  b64dec: ([s]) => Buffer.from(str(s), "base64").toString("utf8"),
  sha256sum: ([s]) => createHash("sha256").update(str(s)).digest("hex"),
  semverCompare: ([c, v]) => semver.satisfies(semver.coerce(str(v))?.version ?? "0.0.0", str(c).replace(/-0$/, ""), { includePrerelease: true }),
  // numbers
  int: ([v]) => Math.trunc(num(v)),
  int64: ([v]) => Math.trunc(num(v)),
  float64: ([v]) => num(v),
  atoi: ([v]) => Math.trunc(num(v)),
  add: (args) => args.reduce<number>((a, b) => a + num(b), 0),
  add1: ([v]) => num(v) + 1,
  sub: ([a, b]) => num(a) - num(b),
  mul: (args) => args.reduce<number>((a, b) => a * num(b), 1),
  div: ([a, b]) => Math.trunc(num(a) / num(b)),
  mod: ([a, b]) => num(a) % num(b),
  max: (args) => Math.max(...args.map(num)),
  min: (args) => Math.min(...args.map(num)),
  until: ([n]) => Array.from({ length: Math.max(0, num(n)) }, (_, i) => i),
  // lists and dicts
  list: (args) => [...args],
  first: ([l]) => list(l)[0],
  last: ([l]) => list(l).at(-1),
  rest: ([l]) => list(l).slice(1),
  initial: ([l]) => list(l).slice(0, -1),
  append: ([l, v]) => [...list(l), v],
  prepend: ([l, v]) => [v, ...list(l)],
  concat: (args) => args.flatMap(list),
  uniq: ([l]) => list(l).filter((v, i, all) => all.findIndex((w) => equal(v, w)) === i),
  has: ([v, l]) => list(l).some((w) => equal(v, w)),
  compact: ([l]) => list(l).filter((v) => !isEmpty(v)),
  sortAlpha: ([l]) => list(l).map(str).sort(),
  dict: (args) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < args.length; i += 2) out[str(args[i])] = args[i + 1];
    return out;
  },
  get: ([d, k]) => (isRecord(plain(d)) ? ((plain(d) as Record<string, unknown>)[str(k)] ?? "") : ""),
  hasKey: ([d, k]) => isRecord(plain(d)) && Object.hasOwn(plain(d) as Record<string, unknown>, str(k)),
  keys: (args) => args.flatMap((d) => (isRecord(plain(d)) ? Object.keys(plain(d) as Record<string, unknown>) : [])),
  values: ([d]) => (isRecord(plain(d)) ? Object.values(plain(d) as Record<string, unknown>) : []),
  pick: ([d, ...ks]) => {
    const x = plain(d);
    if (!isRecord(x)) return {};
    return Object.fromEntries(ks.map(str).filter((k) => Object.hasOwn(x, k)).map((k) => [k, x[k]]));
  },
  omit: ([d, ...ks]) => {
    const x = plain(d);
    if (!isRecord(x)) return {};
    const drop = new Set(ks.map(str));
    return Object.fromEntries(Object.entries(x).filter(([k]) => !drop.has(k)));
  },
  merge: ([dst, ...srcs]) => mergeDicts(dst, srcs, false),
  mergeOverwrite: ([dst, ...srcs]) => mergeDicts(dst, srcs, true),
  deepCopy: ([v]) => structuredClone(deepPlain(v)),
  // Sprig's `set` and `unset` change the dict in place and return it: charts use them to build lists
  // (`$_ := set $d "k" v`) and to cache a result on the root context (`$ = set $ "k" v`).
  set: ([d, k, v]) => {
    const x = dictArg(d, "set");
    if (str(k) !== "__proto__") x[str(k)] = v;
    return x;
  },
  unset: ([d, k]) => {
    const x = dictArg(d, "unset");
    delete x[str(k)];
    return x;
  },
  dig: (args) => {
    // `dig "a" "b" default dict`: the keys, then the default, then the dict walked.
    if (args.length < 3) throw new TemplateError("dig needs keys, a default and a dict");
    const keys = args.slice(0, -2).map(str);
    let cur: unknown = plain(args.at(-1));
    for (const k of keys) {
      if (!isRecord(cur) || !Object.hasOwn(cur, k)) return args.at(-2);
      cur = plain(cur[k]);
    }
    return cur;
  },
  kindIs: ([k, v]) => kindOf(v) === str(k),
  kindOf: ([v]) => kindOf(v),
  typeOf: ([v]) => kindOf(v),
  toYaml: ([v]) => toYaml(v),
  toJson: ([v]) => JSON.stringify(deepPlain(v) ?? null),
  toPrettyJson: ([v]) => JSON.stringify(deepPlain(v) ?? null, null, 2),
  fromYaml: ([s]) => {
    const v = jsYaml.load(str(s));
    return isRecord(v) ? v : {};
  },
  fromJson: ([s]) => JSON.parse(str(s)) as unknown,
  // Helm returns a one-element list holding the parse error rather than failing the render.
  fromJsonArray: ([s]) => parsedArray(() => JSON.parse(str(s)) as unknown),
  fromYamlArray: ([s]) => parsedArray(() => jsYaml.load(str(s))),
  lookup: () => ({}),
};

function dictArg(d: unknown, fn: string): Record<string, unknown> {
  const x = plain(d);
  if (!isRecord(x)) throw new TemplateError(`${fn} of something that is not a dict`);
  return x;
}

function parsedArray(parse: () => unknown): unknown[] {
  try {
    const v = parse();
    if (Array.isArray(v)) return v;
    // Go unmarshals null (or an empty YAML document) into an empty slice, anything else is an error.
    return v === undefined || v === null ? [] : [`cannot unmarshal ${kindOf(v)} into an array`];
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
}

function kindOf(v: unknown): string {
  const x = plain(v);
  if (typeof x === "string") return "string";
  if (typeof x === "boolean") return "bool";
  if (typeof x === "number") return Number.isInteger(x) ? "int64" : "float64";
  if (Array.isArray(x)) return "slice";
  if (isRecord(x)) return "map";
  return "invalid";
}

function mergeDicts(dst: unknown, srcs: unknown[], overwrite: boolean): unknown {
  const out = isRecord(plain(dst)) ? (plain(dst) as Record<string, unknown>) : {};
  for (const s of srcs) {
    const src = plain(s);
    if (!isRecord(src)) continue;
    for (const [k, v] of Object.entries(src)) {
      if (k === "__proto__") continue;
      if (isRecord(out[k]) && isRecord(v)) out[k] = mergeDicts({ ...(out[k] as Record<string, unknown>) }, [v], overwrite);
      else if (overwrite || isEmpty(out[k])) out[k] = v;
    }
  }
  return out;
}

function escapeClass(s: string): string {
  return s.replace(/[\\\]^-]/g, "\\$&");
}
