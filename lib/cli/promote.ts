import { lstat, mkdir, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { CONFIG_FILE, parseRepoConfig } from "../gitops/config";
import type { FileEdit } from "../gitops/change-set";
import { changeImpact } from "../gitops/impact";
import { planPromotion, promotionBranch, type PromotionPlan } from "../gitops/promote";
import { judgeByImpact } from "../gitops/promote/judge-impact";
import { readRepository } from "../gitops/read";
import { checkoutReadOptions } from "./checkout-branch";
import { unreadableFiles } from "../changes/unreadable-files";
import { loadTree } from "./load-tree";
import { CliError, type CliIO } from "./scan";

export const PROMOTE_USAGE = `Usage:
  ferry promote <dir> --app A --from ENV --to ENV [--mode version|folder] [--allow-downgrade] [--allow-floating] [--allow-replace-digest-pin] [--json] [--write]
  ferry promote --server URL --token T --repository R --app A --from ENV --to ENV [--mode …] [--allow-…] [--json]

Plan promoting an app between environments of a GitOps repository.
  <dir>               a local checkout: print the plan (fields, skipped files, diff); nothing is written
  --write             apply the planned edits to the files in <dir> (nothing else is touched)
  --json              print the result as JSON only
  --server, --token   ask a Ferry portal to open the change request instead (env FERRY_URL, FERRY_TOKEN)
  --repository        the repository's name in the portal (with --server)
  --allow-unpin       move a cell a rollback pinned in the portal, clearing the pin (with --server)

Exit codes: 0 planned, opened or up to date; 1 refused or failed; 2 usage error.`;

const OPTIONS = {
  app: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  mode: { type: "string" },
  "allow-downgrade": { type: "boolean" },
  "allow-floating": { type: "boolean" },
  "allow-replace-digest-pin": { type: "boolean" },
  "allow-unpin": { type: "boolean" },
  json: { type: "boolean" },
  write: { type: "boolean" },
  server: { type: "string" },
  token: { type: "string" },
  repository: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

class UsageError extends Error {}

interface PromoteArgs {
  dir: string | undefined;
  app: string;
  from: string;
  to: string;
  mode: "version" | "folder";
  allowDowngrade: boolean;
  allowFloating: boolean;
  allowReplaceDigestPin: boolean;
  allowUnpin: boolean;
  json: boolean;
  write: boolean;
  server: string | undefined;
  token: string | undefined;
  repository: string | undefined;
}

function parse(args: string[], env: NodeJS.ProcessEnv): PromoteArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values;
  if (v.help) return "help";
  const missing = (["app", "from", "to"] as const).filter((k) => !v[k]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(", ")}`);
  const mode = v.mode ?? "version";
  if (mode !== "version" && mode !== "folder") throw new UsageError(`--mode must be "version" or "folder", not "${mode}"`);
  const server = v.server ?? env.FERRY_URL ?? undefined;
  if (parsed.positionals.length > 1) throw new UsageError(`expected one directory, got ${parsed.positionals.length}`);
  const dir = parsed.positionals[0];
  // An explicit directory means a local plan even when FERRY_URL happens to be set in the environment.
  const remote = v.server !== undefined || (dir === undefined && server !== undefined);
  if (!remote && dir === undefined) throw new UsageError("give a checkout directory, or --server to ask a portal");
  if (remote && v.write) throw new UsageError("--write applies a local plan; with --server the portal opens the change request");
  if (remote && !v.repository) throw new UsageError("--server needs --repository (the repository's name in the portal)");
  return {
    dir: remote ? undefined : dir,
    app: v.app ?? "",
    from: v.from ?? "",
    to: v.to ?? "",
    mode,
    allowDowngrade: v["allow-downgrade"] ?? false,
    allowFloating: v["allow-floating"] ?? false,
    allowReplaceDigestPin: v["allow-replace-digest-pin"] ?? false,
    allowUnpin: v["allow-unpin"] ?? false,
    json: v.json ?? false,
    write: v.write ?? false,
    server: remote ? server : undefined,
    token: v.token ?? env.FERRY_TOKEN,
    repository: v.repository,
  };
}

export async function runPromote(args: string[], io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: PromoteArgs | "help";
  try {
    parsed = parse(args, env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`ferry promote: ${e.message}\n\n${PROMOTE_USAGE}`);
    return 2;
  }
  if (parsed === "help") {
    io.stdout(PROMOTE_USAGE);
    return 0;
  }
  return parsed.server !== undefined ? promoteRemote(parsed, parsed.server, io) : promoteLocal(parsed, io);
}

// ---- local: plan (and optionally write) on a checkout ----

async function promoteLocal(args: PromoteArgs, io: CliIO): Promise<number> {
  const dir = path.resolve(args.dir ?? ".");
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new CliError(`not a directory: ${args.dir}`);
  const loaded = await loadTree(dir);
  const tree = loaded.tree;
  const readOptions = await checkoutReadOptions(dir);
  const model = readRepository(tree, readOptions);
  // Files the loader could not read (symlink, too large, not UTF-8) count like files that do not parse.
  model.errors.unshift(...loaded.errors);
  if (!model.apps.some((a) => a.name === args.app)) {
    throw new CliError(`there is no app ${args.app} in ${args.dir} (apps: ${model.apps.map((a) => a.name).join(", ") || "none"})`);
  }
  const cells = model.deployments.filter((d) => d.app === args.app);
  const cell = (env: string) => {
    const found = cells.find((d) => d.env === env);
    if (!found) throw new CliError(`${args.app} has no ${env} environment (it has: ${cells.map((d) => d.env).join(", ") || "none"})`);
    return found;
  };
  const config = tree.has(CONFIG_FILE) ? parseRepoConfig(tree.get(CONFIG_FILE) ?? "").config : undefined;
  const [source, target] = [cell(args.from), cell(args.to)];
  // Same rule as the portal: never plan edits on top of a file that does not parse, and name it.
  const broken = [...new Set([...unreadableFiles(model, source), ...unreadableFiles(model, target)])];
  const planned: PromotionPlan =
    broken.length > 0
      ? { status: "refused", reason: `${broken.join("; ")}. Fix the file first.` }
      : planPromotion({
          tree,
          source,
          target,
          mode: args.mode,
          neverPromote: config?.neverPromote,
          allowDowngrade: args.allowDowngrade,
          allowFloating: args.allowFloating,
          allowReplaceDigestPin: args.allowReplaceDigestPin,
          targetProtected: model.environments.find((e) => e.name === args.to)?.protected ?? false,
          // A working tree has no single commit (it may have local edits); the PR body just says so.
          baseSha: "working tree",
          repository: path.basename(dir),
        });
  // Judged as the portal judges it: by the cells a re-read with the edits applied shows moving.
  const plan = planned.status === "changes" ? judgeByImpact(planned, changeImpact(tree, model, planned.changeSet, readOptions), { app: args.app, to: args.to, mode: args.mode }) : planned;

  if (plan.status === "changes" && args.write) await applyEdits(dir, plan.changeSet.edits);
  const report = toPromoteJson(plan, promotionBranch(args.app, args.to));
  io.stdout(args.json ? JSON.stringify(report, null, 2) : formatPlan(report, args.write));
  return plan.status === "changes" || plan.status === "up-to-date" ? 0 : 1;
}

/** `ferry promote --json`: the plan and its edits (with content) so CI can apply or archive them. */
export const promoteJsonSchema = z.object({
  status: z.enum(["changes", "up-to-date", "needs-confirmation", "refused"]),
  /** Why nothing is planned (up to date, refused, needs --allow-downgrade); null when there are changes. */
  message: z.string().nullable(),
  title: z.string().nullable(),
  branch: z.string(),
  fields: z.array(z.object({ kind: z.string(), name: z.string(), file: z.string(), field: z.string(), from: z.string().nullable(), to: z.string().nullable() })),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  notes: z.array(z.string()),
  edits: z.array(z.object({ path: z.string(), action: z.enum(["create", "update", "delete"]), content: z.string().nullable() })),
  diff: z.string(),
  /** Every cell whose rendered versions the edits move (the target, and any other a shared file feeds). */
  affected: z.array(z.object({ app: z.string(), env: z.string(), versions: z.array(z.object({ name: z.string(), from: z.string().nullable(), to: z.string().nullable() })) })),
});
export type PromoteJson = z.infer<typeof promoteJsonSchema>;

export function toPromoteJson(plan: PromotionPlan, branch: string): PromoteJson {
  const empty = { title: null, branch, fields: [], skipped: [], notes: [], edits: [], diff: "", affected: [] };
  switch (plan.status) {
    case "changes":
      return {
        status: plan.status,
        message: null,
        title: plan.changeSet.title,
        branch: plan.changeSet.branch,
        fields: plan.fields,
        skipped: plan.skipped,
        notes: plan.notes,
        edits: plan.changeSet.edits.map((e) => ({ path: e.path, action: e.action, content: e.content })),
        diff: plan.changeSet.diff,
        affected: plan.affected ?? [],
      };
    case "up-to-date":
      return { ...empty, status: plan.status, message: plan.message };
    case "needs-confirmation":
      return { ...empty, status: plan.status, message: `${plan.reason} (use ${(plan.confirm ?? ["allowDowngrade"]).map(flagOf).join(" ")})`, fields: plan.fields };
    case "refused":
      return { ...empty, status: plan.status, message: plan.override ? `${plan.reason} (use ${flagOf(plan.override)} to replace it)` : plan.reason };
  }
}

/** `allowReplaceDigestPin` → `--allow-replace-digest-pin`. */
function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function formatPlan(r: PromoteJson, written: boolean): string {
  if (r.status !== "changes") return `${r.status === "up-to-date" ? "Up to date" : r.status === "refused" ? "Refused" : "Needs confirmation"}: ${r.message ?? ""}`;
  const out = [r.title ?? "", `branch: ${r.branch}`, ""];
  if (r.fields.length > 0) {
    out.push("Fields:");
    for (const f of r.fields) out.push(`  ${f.name} ${f.field} (${f.file}): ${f.from ?? "(none)"} → ${f.to ?? "(none)"}`);
  }
  out.push("Files:", ...r.edits.map((e) => `  ${e.action} ${e.path}`));
  if (r.skipped.length > 0) out.push("Not copied:", ...r.skipped.map((s) => `  ${s.path}: ${s.reason}`));
  for (const n of r.notes) out.push(`note: ${n}`);
  out.push("", r.diff.trimEnd(), "");
  out.push(written ? `Wrote ${r.edits.length} file(s); review with "git diff" and commit.` : "Nothing written (use --write to apply these edits to the checkout).");
  return out.join("\n");
}

// ---- --write: apply edits strictly inside the checkout ----

/**
 * Checks every edit before touching anything, so a hostile path (from a crafted repository) leaves the
 * checkout as it was. Symlinks are never followed: any existing component of a target path that is a
 * link is refused, and files are replaced by rename, which replaces a link rather than writing through it.
 */
async function applyEdits(dir: string, edits: FileEdit[]): Promise<void> {
  const root = await realpath(dir);
  const targets = [];
  for (const edit of edits) targets.push({ edit, full: await safeTarget(root, edit.path) });
  for (const { edit, full } of targets) {
    if (edit.action === "delete" || edit.content === null) {
      await unlink(full).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      });
      continue;
    }
    await mkdir(path.dirname(full), { recursive: true });
    // mkdir may have raced with someone planting a link: check the real parent again before writing.
    if (!isInside(root, await realpath(path.dirname(full)))) throw new CliError(`refusing to write ${edit.path}: it resolves outside ${dir}`);
    const temp = `${full}.ferry-${process.pid}.tmp`;
    await writeFile(temp, edit.content, { flag: "wx" });
    await rename(temp, full);
  }
}

async function safeTarget(root: string, relPath: string): Promise<string> {
  const parts = relPath.split("/");
  if (path.isAbsolute(relPath) || relPath.includes("\\") || relPath.includes("\0") || parts.some((p) => p === "" || p === "." || p === ".." || p === ".git")) {
    throw new CliError(`refusing to write ${JSON.stringify(relPath)}: not a plain path inside the checkout`);
  }
  let current = root;
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    const info = await lstat(current).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return null;
      throw e;
    });
    if (!info) break;
    if (info.isSymbolicLink()) throw new CliError(`refusing to write ${relPath}: ${parts.slice(0, i + 1).join("/")} is a symlink`);
    const last = i === parts.length - 1;
    if (!last && !info.isDirectory()) throw new CliError(`refusing to write ${relPath}: ${parts.slice(0, i + 1).join("/")} is not a directory`);
    if (last && !info.isFile()) throw new CliError(`refusing to write ${relPath}: it exists and is not a regular file`);
  }
  const full = path.join(root, ...parts);
  if (!isInside(root, full)) throw new CliError(`refusing to write ${relPath}: it resolves outside the checkout`);
  return full;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

// ---- remote: ask a portal (POST /api/v1/promotions) ----

const remoteBodySchema = z.looseObject({
  ok: z.boolean(),
  status: z.string().optional(),
  code: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
  change: z.object({ id: z.number(), number: z.number().nullable(), url: z.string().nullable(), link: z.string() }).optional(),
  plan: z.looseObject({ title: z.string().optional(), confirm: z.array(z.string()).optional() }).optional(),
});

async function promoteRemote(args: PromoteArgs, server: string, io: CliIO): Promise<number> {
  if (!args.token) throw new CliError("--server needs --token (or FERRY_TOKEN): an API token from the portal's settings");
  let url: URL;
  try {
    url = new URL("api/v1/promotions", server.endsWith("/") ? server : `${server}/`);
  } catch {
    throw new CliError(`--server is not a URL: ${server}`);
  }
  const request = {
    repository: args.repository,
    app: args.app,
    from: args.from,
    to: args.to,
    mode: args.mode,
    allowDowngrade: args.allowDowngrade,
    allowFloating: args.allowFloating,
    allowReplaceDigestPin: args.allowReplaceDigestPin,
    allowUnpin: args.allowUnpin,
  };
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${args.token}`, accept: "application/json" },
      body: JSON.stringify(request),
    });
  } catch (e) {
    throw new CliError(`could not reach ${url.origin}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${url.href} answered ${response.status} with a non-JSON body: ${text.slice(0, 200)}`);
  }
  const body = remoteBodySchema.safeParse(json);
  if (!body.success) throw new CliError(`${url.href} answered ${response.status} with an unexpected body`);
  if (args.json) io.stdout(JSON.stringify(json, null, 2));
  const b = body.data;
  if (!response.ok) {
    const flags = b.status === "needs-confirmation" && b.plan?.confirm?.length ? ` (use ${b.plan.confirm.map(flagOf).join(" ")})` : "";
    if (!args.json) io.stderr(`ferry promote: ${b.status ?? b.code ?? response.status}: ${b.error ?? "refused"}${flags}`);
    return 1;
  }
  if (!args.json) {
    if (b.change) io.stdout(`${b.status} change #${b.change.number ?? b.change.id}: ${b.plan?.title ?? ""}\n${b.change.link}`);
    else io.stdout(`${b.status}: ${b.message ?? ""}`);
  }
  return 0;
}
