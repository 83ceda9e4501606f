import { isRecord } from "../../yaml";

export type ValuesPath = (string | number)[];

/**
 * A scalar read from the chart's values, with where it was read: what a rendered Application shows can
 * then be traced back to the values file that sets it, which is the file a promotion must edit.
 */
export class Sourced {
  constructor(
    readonly value: string | number | boolean,
    readonly path: ValuesPath,
    /** What the template printed, when a function decorated the value (`quote`). */
    readonly printed?: string,
  ) {}
}

export function plain(v: unknown): unknown {
  return v instanceof Sourced ? v.value : v;
}

/**
 * A value with every `Sourced` scalar inside it unwrapped: dicts and lists a template built (`dict`,
 * `set`, `append`) hold the scalars it read, and serialising them (`toJson`) must print those scalars.
 */
export function deepPlain(v: unknown): unknown {
  const x = plain(v);
  if (Array.isArray(x)) return x.map(deepPlain);
  if (isRecord(x)) return Object.fromEntries(Object.entries(x).map(([k, w]) => [k, deepPlain(w)]));
  return x;
}

/** Where each map and list of the values sits: lookups through them yield `Sourced` scalars. */
export class ValuesOrigins {
  private readonly paths = new WeakMap<object, ValuesPath>();

  register(value: unknown, path: ValuesPath = []): void {
    if (Array.isArray(value)) {
      this.paths.set(value, path);
      value.forEach((v, i) => this.register(v, [...path, i]));
    } else if (isRecord(value)) {
      this.paths.set(value, path);
      for (const [k, v] of Object.entries(value)) this.register(v, [...path, k]);
    }
  }

  pathOf(value: unknown): ValuesPath | undefined {
    return typeof value === "object" && value !== null ? this.paths.get(value) : undefined;
  }

  /** `container[key]`, as a `Sourced` when the container is part of the values and the child a scalar. */
  child(container: unknown, key: string | number): unknown {
    let v: unknown;
    if (Array.isArray(container) && typeof key === "number") v = container[key];
    else if (isRecord(container) && Object.hasOwn(container, String(key))) v = container[String(key)];
    else return undefined;
    const at = this.pathOf(container);
    if (at && (typeof v === "string" || typeof v === "number" || typeof v === "boolean")) return new Sourced(v, [...at, key]);
    return v;
  }
}

/**
 * Helm's values: the chart's values.yaml, then each values file, then inline values, merged as Helm
 * merges them (maps deeply, anything else replaced, `null` deletes the key).
 */
export function mergeValues(layers: readonly unknown[]): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const layer of layers) if (isRecord(layer)) out = mergeInto(out, layer);
  return out;
}

function mergeInto(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === "__proto__") continue;
    if (v === null) delete out[k];
    else if (isRecord(v) && isRecord(out[k])) out[k] = mergeInto(out[k] as Record<string, unknown>, v);
    else out[k] = structuredClone(v);
  }
  return out;
}
