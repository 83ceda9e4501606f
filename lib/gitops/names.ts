// Validation of every user-supplied name before it reaches a path, a branch or a YAML file.
// Each refusal names the exact problem (a generic "invalid name" teaches nobody anything), and the
// checks run from the most dangerous (path traversal, control characters) to the merely cosmetic.

export type NameCheck = { ok: true; value: string } | { ok: false; message: string };

/** Names Kubernetes, Flux and Argo CD use themselves: a tenant or app by that name would collide. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "flux-system",
  "argocd",
  "argo-cd",
  "base",
  "tenants",
]);

export const MAX_LABEL = 63;

/** Why each YAML/shell-significant character is refused, so the message says what it would break. */
const SPECIAL: Readonly<Record<string, string>> = {
  ":": "it separates YAML keys from values",
  "#": "it starts a YAML comment",
  "{": "it opens a YAML flow mapping",
  "}": "it closes a YAML flow mapping",
  "[": "it opens a YAML flow sequence",
  "]": "it closes a YAML flow sequence",
  ",": "it separates YAML flow items",
  "&": "it defines a YAML anchor",
  "*": "it references a YAML alias",
  "!": "it starts a YAML tag",
  "|": "it starts a YAML literal block",
  ">": "it starts a YAML folded block",
  "'": "it quotes a YAML string",
  '"': "it quotes a YAML string",
  "%": "it starts a YAML directive",
  "@": "it is reserved in YAML",
  "`": "it is reserved in YAML and shells",
  "$": "it starts a Flux/shell variable",
  "\\": "it is a path separator on Windows",
  "~": "it means null in YAML and home in shells",
  "?": "it starts a YAML complex key",
  "=": "it is not allowed in Kubernetes names",
  "+": "it is not allowed in Kubernetes names",
  ";": "it separates shell commands",
  "<": "it is not allowed in Kubernetes names",
};

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

export interface LabelOptions {
  /** What the value is, for messages: "Tenant name", "App name", "Environment". */
  label: string;
  /** Refuse the reserved names (tenants, apps, namespaces). Default true. */
  reserved?: boolean;
  /** Must start with a letter (DNS-1035: Service names). Default false. */
  letterFirst?: boolean;
  max?: number;
}

/**
 * A Kubernetes DNS-1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters), with a
 * specific message for each way a value can fail.
 */
export function checkLabel(raw: string, options: LabelOptions): NameCheck {
  const { label } = options;
  const max = options.max ?? MAX_LABEL;
  const fail = (message: string): NameCheck => ({ ok: false, message: `${label} ${message}` });
  if (raw.length === 0) return fail("is required.");
  if (raw.includes("\u0000")) return fail("must not contain a NUL character.");
  if (/[\r\n\u2028\u2029]/.test(raw)) return fail("must be one line: it contains a line break.");
  if (/[\u0001-\u001f\u007f]/.test(raw)) return fail("must not contain control characters (such as tabs).");
  if (raw === "." || raw === "..") return fail(`cannot be "${raw}": it names a folder relative to the current one.`);
  if (raw.includes("/")) return fail('must not contain "/": it is one folder name, not a path.');
  if (raw.includes("..")) return fail('must not contain "..".');
  if (/\s/.test(raw)) return fail("must not contain spaces.");
  const nonAscii = [...raw].find((ch) => (ch.codePointAt(0) ?? 0) > 0x7e);
  if (nonAscii !== undefined) {
    return fail(`contains "${nonAscii}" (${codePoint(nonAscii)}), which is not a plain ASCII letter or digit (it may only look like one): use a-z, 0-9 and "-".`);
  }
  const special = [...raw].find((ch) => SPECIAL[ch] !== undefined);
  if (special !== undefined) return fail(`must not contain "${special}": ${SPECIAL[special]}.`);
  if (/[A-Z]/.test(raw)) return fail(`must be lowercase: use "${raw.toLowerCase()}".`);
  if (raw.length > max) return fail(`is ${raw.length} characters long; at most ${max} are allowed.`);
  if (raw.includes("_")) return fail(`must not contain "_" (not allowed in Kubernetes names): use "-", e.g. "${raw.replace(/_/g, "-")}".`);
  if (raw.includes(".")) return fail('must not contain "." (a DNS label has no dots): use "-".');
  const other = [...raw].find((ch) => !/[a-z0-9-]/.test(ch));
  if (other !== undefined) return fail(`must not contain "${other}": use a-z, 0-9 and "-" only.`);
  if (raw.startsWith("-")) return fail('must start with a letter or digit, not "-".');
  if (raw.endsWith("-")) return fail('must end with a letter or digit, not "-".');
  if (options.letterFirst && !/^[a-z]/.test(raw)) return fail("must start with a letter (Kubernetes Service names cannot start with a digit).");
  if (options.reserved !== false && RESERVED_NAMES.has(raw)) return fail(`cannot be "${raw}": the name is reserved by Kubernetes, Flux or Argo CD.`);
  return { ok: true, value: raw };
}

/**
 * A DNS-1123 label made from a name nobody chose as one (a repository or checkout folder such as
 * `Payments.GitOps` or `owner__repo`), for the app a repository-root layout deploys: lowercase, each run
 * of other characters one "-", at most 63 characters. Undefined when nothing usable is left.
 */
export function labelFrom(raw: string): string | undefined {
  const label = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_LABEL)
    .replace(/^-+|-+$/g, "");
  return label === "" ? undefined : label;
}

export const checkTenantName = (raw: string): NameCheck => checkLabel(raw, { label: "Tenant name" });
export const checkAppName = (raw: string): NameCheck => checkLabel(raw, { label: "App name", letterFirst: true });
export const checkEnvName = (raw: string): NameCheck => checkLabel(raw, { label: "Environment", reserved: false });
export const checkNamespace = (raw: string): NameCheck => checkLabel(raw, { label: "Namespace" });

/** A human label such as "Payments & Checkout": free text, but one line and reasonably short. */
export function checkDisplayName(raw: string): NameCheck {
  if (raw.trim().length === 0) return { ok: false, message: "Display name is required." };
  if (raw.length > 100) return { ok: false, message: `Display name is ${raw.length} characters long; at most 100 are allowed.` };
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(raw)) return { ok: false, message: "Display name must be one line without control characters." };
  return { ok: true, value: raw.trim() };
}

/** An owner: a portal user id (`dana`) or an email address. */
export function checkOwner(raw: string): NameCheck {
  const v = raw.trim();
  if (v.length === 0) return { ok: false, message: "Owner is empty." };
  if (v.length > 254) return { ok: false, message: `Owner "${v.slice(0, 20)}…" is too long.` };
  if (/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/.test(v)) return { ok: true, value: v };
  if (/^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v)) return { ok: true, value: v };
  return { ok: false, message: `Owner "${v}" is neither a user id (a-z, 0-9, ".", "_", "-") nor an email address.` };
}

/** A container image reference without tag or digest: `ghcr.io/acme/checkout`, `nginx`. */
export function checkImage(raw: string): NameCheck {
  if (raw.length === 0) return { ok: false, message: "Image is required." };
  if (raw.length > 255) return { ok: false, message: "Image is longer than 255 characters." };
  if (raw.includes("@")) return { ok: false, message: "Image must not contain a digest (@sha256:…): give the tag separately." };
  const lastSegment = raw.slice(raw.lastIndexOf("/") + 1);
  if (lastSegment.includes(":")) return { ok: false, message: `Image must not contain a tag: enter "${raw.slice(0, raw.lastIndexOf(":"))}" and the tag "${raw.slice(raw.lastIndexOf(":") + 1)}" separately.` };
  const component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  const pattern = new RegExp(`^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?${component}(?:/${component})*$`);
  if (!pattern.test(raw)) return { ok: false, message: `Image "${raw}" is not a valid image name (lowercase path such as ghcr.io/acme/checkout).` };
  return { ok: true, value: raw };
}

/** An image tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export function checkTag(raw: string): NameCheck {
  if (raw.length === 0) return { ok: false, message: "Tag is required." };
  if (raw.length > 128) return { ok: false, message: `Tag is ${raw.length} characters long; at most 128 are allowed.` };
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(raw)) return { ok: false, message: `Tag "${raw}" may only hold letters, digits, "_", "." and "-", and cannot start with "." or "-".` };
  return { ok: true, value: raw };
}

/** Where the cluster is: an API server URL or a cluster name as Argo CD/Flux know it. */
export function checkCluster(raw: string): NameCheck {
  if (raw.length === 0) return { ok: false, message: "Cluster is required." };
  if (/^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/.test(raw)) return { ok: true, value: raw };
  const asName = checkLabel(raw, { label: "Cluster", reserved: false });
  if (asName.ok) return asName;
  return { ok: false, message: `Cluster "${raw}" is neither an https:// API server URL nor a cluster name (${asName.message})` };
}

/** A folder inside a repository: relative, `/`-separated, no `.`/`..`, plain characters. */
export function checkFolder(raw: string, label = "Folder"): NameCheck {
  const v = raw.replace(/\/+$/, "");
  if (v.length === 0) return { ok: false, message: `${label} is required.` };
  if (v.startsWith("/")) return { ok: false, message: `${label} must be relative to the repository root, not start with "/".` };
  if (v.length > 200) return { ok: false, message: `${label} is longer than 200 characters.` };
  for (const seg of v.split("/")) {
    if (seg === "") return { ok: false, message: `${label} must not contain "//".` };
    if (seg === "." || seg === "..") return { ok: false, message: `${label} must not contain "${seg}": every write stays inside the repository.` };
    if (seg === ".git") return { ok: false, message: `${label} must not point into .git.` };
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(seg)) return { ok: false, message: `${label} segment "${seg}" may only hold letters, digits, ".", "_" and "-".` };
  }
  return { ok: true, value: v };
}
