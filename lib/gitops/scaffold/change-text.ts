import type { FileEdit } from "../change-set";

/** The change request's description: what is added, from which templates, what to check. */
export function scaffoldBody(input: { summary: string; templates: string; edits: readonly FileEdit[]; notes: readonly string[]; requestedBy?: string }): string {
  const created = input.edits.filter((e) => e.action === "create").map((e) => `- \`${e.path}\``);
  const updated = input.edits.filter((e) => e.action === "update").map((e) => `- \`${e.path}\``);
  return [
    input.summary,
    "",
    `Generated from ${input.templates}.`,
    ...(created.length ? ["", "**New files**", ...created] : []),
    ...(updated.length ? ["", "**Edited files** (entries appended; comments and order kept)", ...updated] : []),
    ...(input.notes.length ? ["", "**Notes**", ...input.notes.map((n) => `- ${n}`)] : []),
    ...(input.requestedBy ? ["", `Requested by ${input.requestedBy} in Ferry.`] : []),
  ].join("\n");
}
