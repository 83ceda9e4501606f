import type { FileEdit } from "../change-set";
import type { FieldChange, PromotionInput, SkippedFile } from "./types";

export interface DescribeInput {
  input: PromotionInput;
  fields: FieldChange[];
  edits: FileEdit[];
  skipped: SkippedFile[];
  notes: string[];
  downgrade: boolean;
}

/** Markdown inline code that survives any value (backticks in a value would end the span). */
const code = (s: string | null) => (s === null ? "_(none)_" : `\`${s.replace(/`/g, "'")}\``);
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const short = (sha: string) => (/^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 12) : sha);

function versionSummary(fields: FieldChange[]): string {
  const first = fields[0];
  if (!first) return "";
  const arrow = `${first.from ?? "(none)"} → ${first.to ?? "(none)"}`;
  const sameMove = fields.every((f) => f.from === first.from && f.to === first.to);
  if (fields.length === 1 || sameMove) return arrow;
  return `${first.name} ${arrow} (+${fields.length - 1} more)`;
}

export function promotionTitle(d: DescribeInput): string {
  const { source, target } = d.input;
  const summary = versionSummary(d.fields);
  if (d.input.rollback) return `Roll back ${target.app} in ${target.env}: ${summary}`;
  if (summary) return `Promote ${target.app} to ${target.env}: ${summary}`;
  const n = d.edits.length;
  return `Promote ${target.app} to ${target.env}: copy ${source.env} folder (${n} file${n === 1 ? "" : "s"})`;
}

export function promotionBody(d: DescribeInput): string {
  const { input, fields, edits, skipped, notes, downgrade } = d;
  const { source, target } = input;
  const out: string[] = [];
  out.push(
    input.rollback
      ? `## Roll back \`${target.app}\` in ${target.env} to what it ran at ${code(short(input.rollback.commitSha))}`
      : `## Promote \`${target.app}\` from ${source.env} to ${target.env}`,
    "",
  );
  out.push("| | |", "|---|---|");
  out.push(`| App | ${cell(target.app)} |`);
  out.push(`| From | ${cell(source.env)} (${code(source.path)})${input.sourceSha ? ` at ${code(short(input.sourceSha))}` : ""} |`);
  out.push(`| To | ${cell(target.env)} (${code(target.path)}) |`);
  out.push(`| Mode | ${input.mode === "folder" ? "folder (copy promotable files)" : "version (release fields only)"} |`);
  out.push(`| Base | ${cell(input.repository)} @ ${code(short(input.baseSha))} |`);
  if (input.requestedBy) out.push(`| Requested by | ${cell(input.requestedBy)} |`);
  if (input.rollback?.reason) out.push(`| Why | ${cell(input.rollback.reason)} |`);
  out.push("");
  if (downgrade) {
    const older = input.rollback ? `what it ran at ${code(short(input.rollback.commitSha))}` : source.env;
    out.push(`> [!WARNING]`, `> **Downgrade / rollback**: ${target.env} currently runs a newer version than ${older} for at least one field below. This was confirmed explicitly.`, "");
  }
  if (fields.length > 0) {
    out.push("### Versions", "", "| Field | File | From | To |", "|---|---|---|---|");
    for (const f of fields) out.push(`| ${cell(f.name)} \`${cell(f.field)}\` | ${code(f.file)} | ${code(f.from)} | ${code(f.to)} |`);
    out.push("");
  }
  out.push("### Files changed", "");
  for (const e of edits) out.push(`- ${code(e.path)} (${e.action === "create" ? "new" : e.action === "delete" ? "deleted" : "updated"})`);
  out.push("");
  if (skipped.length > 0) {
    out.push("### Deliberately not copied", "");
    for (const s of skipped) out.push(`- ${code(s.path)}: ${s.reason}`);
    out.push("");
  }
  if (notes.length > 0) {
    out.push("### Please check", "");
    for (const n of notes) out.push(`- ${n}`);
    out.push("");
  }
  if (input.portalUrl) out.push(`[Open this promotion in Ferry](${input.portalUrl})`, "");
  out.push("<sub>Planned by Ferry. Merging this change is the deployment.</sub>", "");
  return out.join("\n");
}

export function promotionCommitMessage(d: DescribeInput): string {
  const { input, fields } = d;
  const lines = [promotionTitle(d), ""];
  lines.push(`From ${input.source.env}${input.sourceSha ? ` at ${short(input.sourceSha)}` : ""} (${input.mode} promotion).`);
  if (fields.length > 0) lines.push("");
  for (const f of fields) lines.push(`- ${f.file}: ${f.field} ${f.from ?? "(none)"} -> ${f.to ?? "(none)"}`);
  if (d.downgrade) lines.push("", "Downgrade confirmed explicitly.");
  if (input.requestedBy) lines.push("", `Requested-by: ${input.requestedBy}`);
  return `${lines.join("\n")}\n`;
}
