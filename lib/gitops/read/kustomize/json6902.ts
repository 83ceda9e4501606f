import { isRecord } from "../../yaml";

export interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

export function isJsonPatch(value: unknown): value is JsonPatchOp[] {
  return Array.isArray(value) && value.every((o) => isRecord(o) && typeof o.op === "string" && typeof o.path === "string");
}

export function pointerTokens(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  return pointer
    .replace(/^\//, "")
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

type Container = Record<string, unknown> | unknown[];

function resolveParent(root: unknown, tokens: string[]): { parent: Container; last: string } | string {
  let cur: unknown = root;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isRecord(cur)) cur = cur[t];
    else return `path not found at "${t}"`;
  }
  const last = tokens[tokens.length - 1];
  if (last === undefined) return "empty path";
  if (!Array.isArray(cur) && !isRecord(cur)) return `path not found at "${last}"`;
  return { parent: cur, last };
}

function get(root: unknown, tokens: string[]): unknown {
  let cur: unknown = root;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isRecord(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

/** Apply RFC 6902 operations in place. Returns an error message per failed operation (later ones still run). */
export function applyJsonPatch(root: Record<string, unknown>, ops: JsonPatchOp[]): string[] {
  const errors: string[] = [];
  ops.forEach((op, i) => {
    const err = applyOne(root, op);
    if (err) errors.push(`op ${i} (${op.op} ${op.path}): ${err}`);
  });
  return errors;
}

function applyOne(root: Record<string, unknown>, op: JsonPatchOp): string | undefined {
  const tokens = pointerTokens(op.path);
  let value = op.value;
  if (op.op === "copy" || op.op === "move") {
    if (!op.from) return "missing from";
    const from = pointerTokens(op.from);
    value = structuredClone(get(root, from));
    // kustomize copies `null` from a missing key of an existing object; a missing parent is an error.
    if (value === undefined && op.op === "copy" && from.length > 0 && isRecord(get(root, from.slice(0, -1)))) value = null;
    if (value === undefined) return "from path not found";
    if (op.op === "move") {
      const err = remove(root, pointerTokens(op.from));
      if (err) return err;
    }
  }
  switch (op.op) {
    case "test":
      return JSON.stringify(get(root, tokens)) === JSON.stringify(value) ? undefined : "test failed";
    case "remove":
      return remove(root, tokens);
    case "add":
    case "copy":
    case "move":
    case "replace": {
      const r = resolveParent(root, tokens);
      if (typeof r === "string") return r;
      const { parent, last } = r;
      if (Array.isArray(parent)) {
        const idx = last === "-" ? parent.length : Number(last);
        if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) return "index out of range";
        if (op.op === "replace") {
          if (idx >= parent.length) return "index out of range";
          parent[idx] = value;
        } else parent.splice(idx, 0, value);
      } else {
        // kustomize's `replace` of a missing key sets it, like `add`; a missing parent is still an error.
        parent[last] = value;
      }
      return undefined;
    }
    default:
      return `unknown op "${op.op}"`;
  }
}

function remove(root: unknown, tokens: string[]): string | undefined {
  const r = resolveParent(root, tokens);
  if (typeof r === "string") return r;
  const { parent, last } = r;
  if (Array.isArray(parent)) {
    const idx = Number(last);
    if (!(idx >= 0 && idx < parent.length)) return "index out of range";
    parent.splice(idx, 1);
  } else {
    if (!(last in parent)) return "path not found";
    delete parent[last];
  }
  return undefined;
}
