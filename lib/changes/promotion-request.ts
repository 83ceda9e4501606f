import { z } from "zod";

// One schema for the UI, the HTTP API and the CLI. Names are validated here so nothing unchecked
// reaches a path, a branch name or YAML.
const dnsName = z
  .string()
  .trim()
  .min(1, "required")
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/, "must be lowercase letters, digits, '-', '_' or '.'");

/**
 * A yes/no from JSON (true/false) or a form ("on", "true", "false", "0"…). Not `z.coerce.boolean()`, which
 * reads the string "false" as true and would turn a refusal into a confirmation.
 */
export const flag = z.union([z.boolean(), z.stringbool()]).default(false);

export const promotionRequestSchema = z.object({
  repository: dnsName,
  app: dnsName,
  from: dnsName,
  to: dnsName,
  mode: z.enum(["version", "folder"]).default("version"),
  allowDowngrade: flag,
  /** The user confirmed promoting a floating version (`latest`, a range, a branch) into an unprotected environment. */
  allowFloating: flag,
  /** The user chose to replace the target's digest pin with a source that has no digest. */
  allowReplaceDigestPin: flag,
  /** The user confirmed moving a cell pinned by rollback; the pin is cleared when the change opens. */
  allowUnpin: flag,
  /**
   * Roll back: `to` returns to what it ran at this commit of its history (`from` names the same environment).
   * The change opened pins the cell, so a later promotion asks before moving it.
   */
  rollbackTo: z
    .string()
    .regex(/^[0-9a-f]{40}$/, "must be a full commit sha")
    .optional(),
  /** Why the rollback (kept with the pin). */
  reason: z.string().trim().max(500).optional(),
  /** The base commit the user previewed; when the branch moved since, the plan is redone and shown again. */
  expectedBaseSha: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
});

export type PromotionRequest = z.output<typeof promotionRequestSchema>;
