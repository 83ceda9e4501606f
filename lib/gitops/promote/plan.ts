import { unifiedDiff } from "../diff";
import type { EditBuffer } from "./edit-buffer";
import { promotionBranch } from "./branch";
import { promotionBody, promotionCommitMessage, promotionTitle, type DescribeInput } from "./describe";
import { planFolder } from "./folder-mode";
import { matchVersions } from "./match";
import { PromotionRefused } from "./refusal";
import type { FieldChange, PromotionInput, PromotionPlan, SkippedFile } from "./types";
import { planVersionFields, readable } from "./version-mode";

function refusalOf(input: PromotionInput): string | null {
  const { source, target } = input;
  if (source.app !== target.app) return `cannot promote across apps (${source.app} → ${target.app})`;
  if (source.env === target.env) return `source and target are the same environment (${source.env})`;
  if (source.path === target.path) return `${source.env} and ${target.env} are the same folder (${source.path})`;
  if (source.versions.length === 0 && input.mode === "version") return `${source.env} has no release fields Ferry can read; nothing to promote`;
  return null;
}

function upToDateMessage(input: PromotionInput): string {
  const { source, target } = input;
  const { pairs } = matchVersions(source.versions, target.versions);
  const seen = new Set<string>();
  const runs = pairs.map((p) => readable(p.target)).filter((r) => !seen.has(r) && seen.add(r));
  return `${target.env} already runs ${runs.join(", ") || "the same files"} (same as ${source.env})`;
}

/**
 * Plan promoting `source` to `target`: the exact edits, a diff and the change request text. Pure: the same
 * input gives the same plan. Never writes a value it did not read first (stale models are refused).
 */
export function planPromotion(input: PromotionInput): PromotionPlan {
  const refused = refusalOf(input);
  if (refused) return { status: "refused", reason: refused };
  let buffer: EditBuffer;
  let fields: FieldChange[];
  let skipped: SkippedFile[];
  let notes: string[] = [];
  let downgrades: FieldChange[];
  try {
    if (input.mode === "folder") {
      const plan = planFolder(input.tree, input.source, input.target, input.neverPromote ?? []);
      ({ buffer, fields, skipped, notes, downgrades } = plan);
    } else {
      const plan = planVersionFields(input.tree, input.source, input.target);
      ({ buffer, fields, downgrades } = plan);
      skipped = plan.notPromoted;
    }
  } catch (e) {
    if (e instanceof PromotionRefused) return { status: "refused", reason: e.message };
    throw e;
  }
  const edits = buffer.edits();
  if (edits.length === 0) {
    // Differences existed but none could be written: say why rather than claim the target is current.
    if (input.mode === "version" && skipped.length > 0) return { status: "refused", reason: `nothing promotable: ${skipped.map((s) => s.reason).join("; ")}` };
    return { status: "up-to-date", message: upToDateMessage(input) };
  }
  const downgrade = downgrades.length > 0;
  if (downgrade && !input.allowDowngrade) {
    const list = downgrades.map((f) => `${f.name} ${f.from ?? "(none)"} → ${f.to ?? "(none)"}`).join(", ");
    return { status: "needs-confirmation", reason: `${input.target.env} runs a newer version than ${input.source.env} (${list}); promoting would downgrade it. Confirm to roll back.`, fields };
  }
  const d: DescribeInput = { input, fields, edits, skipped, notes, downgrade };
  return {
    status: "changes",
    changeSet: {
      title: promotionTitle(d),
      body: promotionBody(d),
      branch: promotionBranch(input.target.app, input.target.env),
      commitMessage: promotionCommitMessage(d),
      edits,
      diff: unifiedDiff(edits),
    },
    fields,
    skipped,
    downgrade,
    notes,
  };
}
