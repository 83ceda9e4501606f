import { stat } from "node:fs/promises";
import path from "node:path";
import type { RepoModel } from "../gitops/model";
import { readRepository } from "../gitops/read";
import { checkoutReadOptions } from "./checkout-branch";
import { loadTree } from "./load-tree";

export const SCAN_USAGE = `Usage: ferry scan <dir> [--json]

Read a GitOps repository checkout and print its apps, environments and versions.
  --json   print the model as JSON (machine-readable) instead of a table`;

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export class CliError extends Error {}

/** The JSON shape of `ferry scan --json`: the model without planner-only fields. */
export function toScanJson(model: RepoModel) {
  return {
    conventions: model.conventions,
    environments: model.environments.map((e) => ({ name: e.name, order: e.order })),
    teams: model.teams.map((t) => ({ name: t.name })),
    apps: model.apps.map((a) => ({ name: a.name, team: a.team })),
    deployments: model.deployments.map((d) => ({
      app: d.app,
      env: d.env,
      path: d.path,
      versions: d.versions.map((v) => ({ kind: v.kind, name: v.name, value: v.value, ...(v.digest ? { digest: v.digest } : {}), floating: v.floating, file: v.file, field: v.field })),
      errors: d.errors,
    })),
    errors: model.errors.map((e) => ({ file: e.file, message: e.line !== undefined ? `line ${e.line}: ${e.message}` : e.message })),
    // What the table prints as `note:` lines (a Flux Kustomization whose path is missing, a skipped template):
    // a CI job reading the JSON must not learn less than a person reading the table.
    notes: model.notes,
  };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

export function formatTable(model: RepoModel): string {
  const teamOf = new Map(model.apps.map((a) => [a.name, a.team] as const));
  const rows = model.deployments.map((d) => [
    d.app,
    teamOf.get(d.app) ?? "-",
    d.env,
    d.versions.map((v) => `${v.name}:${v.value ?? "?"}${v.floating ? " (floating)" : ""}`).join(", ") || "-",
    d.errors.length ? `${d.errors.length} error(s)` : "",
  ]);
  const header = ["APP", "TEAM", "ENV", "VERSIONS", "ERRORS"];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0)).join("  ").trimEnd();
  const out = [line(header), ...rows.map(line)];
  out.push("", `conventions: ${model.conventions.join(", ") || "-"}`);
  out.push(`environments: ${model.environments.map((e) => `${e.name}(${e.order})`).join(" < ") || "-"}`);
  for (const d of model.deployments) for (const e of d.errors) out.push(`error ${d.app}/${d.env}: ${e}`);
  for (const e of model.errors) out.push(`error ${e.file}${e.line !== undefined ? `:${e.line}` : ""}: ${e.message}`);
  for (const n of model.notes) out.push(`note: ${n}`);
  return out.join("\n");
}

export async function runScan(args: string[], io: CliIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(SCAN_USAGE);
    return 0;
  }
  const json = args.includes("--json");
  const unknown = args.filter((a) => a.startsWith("-") && a !== "--json");
  if (unknown.length > 0) throw new CliError(`unknown option ${unknown[0]} (see ferry scan --help)`);
  const dirs = args.filter((a) => !a.startsWith("-"));
  if (dirs.length !== 1 || dirs[0] === undefined) throw new CliError("ferry scan needs exactly one directory (see ferry scan --help)");
  const dir = path.resolve(dirs[0]);
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new CliError(`no such directory: ${dirs[0]}`);
  if (!info.isDirectory()) throw new CliError(`not a directory: ${dirs[0]}`);
  const loaded = await loadTree(dir);
  const model = readRepository(loaded.tree, await checkoutReadOptions(dir));
  model.errors.unshift(...loaded.errors);
  model.notes.unshift(...loaded.notes);
  io.stdout(json ? JSON.stringify(toScanJson(model), null, 2) : formatTable(model));
  return 0;
}
