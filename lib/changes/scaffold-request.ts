import { z } from "zod";
import { flag } from "./promotion-request";
import { appRequestErrors, isPresetName, tenantRequestErrors, type FieldErrors } from "@/lib/gitops/scaffold";

// One schema each for the onboarding/add-app forms and the HTTP API. Shapes are checked by zod, the
// names by lib/gitops/names (per field, with a specific message), so nothing unchecked reaches a
// path, a branch name or YAML.

const text = z.string().max(1000);
const sha = z.string().regex(/^[0-9a-f]{40}$/).optional();
/** The preview's `planDigest`: opening refuses a plan whose files differ from what was previewed. */
const planDigest = z.string().regex(/^[0-9a-f]{64}$/).optional();
const preset = z
  .string()
  .optional()
  .transform((v) => (v === "" || v === "auto" ? undefined : v))
  .refine((v) => v === undefined || isPresetName(v), { message: "Unknown preset: choose argocd, flux or appset." });

/** A list from a form field: an array, or one string split on commas and line breaks. */
const list = z.union([z.array(text), text]).transform((v) => (Array.isArray(v) ? v : v.split(/[,\n]/)).map((s) => s.trim()).filter((s) => s !== ""));

function addIssues(errors: FieldErrors, ctx: z.RefinementCtx): void {
  for (const [field, message] of Object.entries(errors)) ctx.addIssue({ code: "custom", message, path: field.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s)) });
}

export const tenantRequestSchema = z
  .object({
    /** The platform repository the tenant is declared in. */
    repository: text.min(1, "Choose the platform repository."),
    name: text,
    displayName: text,
    owners: list,
    environments: z.array(z.object({ name: text, cluster: text, namespace: text })).max(20),
    apps: z.object({ repository: text, path: text, newRepository: flag }),
    preset,
    expectedBaseSha: sha,
    expectedPlanDigest: planDigest,
  })
  .superRefine((v, ctx) => {
    addIssues(tenantRequestErrors({ ...v, preset: undefined }), ctx);
    if (!/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(v.repository)) ctx.addIssue({ code: "custom", message: "Unknown repository.", path: ["repository"] });
  });

export type TenantInput = z.output<typeof tenantRequestSchema>;

export const appRequestSchema = z
  .object({
    repository: text.min(1, "Choose the repository."),
    name: text,
    team: text,
    image: text,
    tag: text,
    port: z.coerce.number(),
    environments: list,
    preset,
    expectedBaseSha: sha,
    expectedPlanDigest: planDigest,
  })
  .superRefine((v, ctx) => {
    addIssues(appRequestErrors({ ...v, preset: undefined }), ctx);
    if (!/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(v.repository)) ctx.addIssue({ code: "custom", message: "Unknown repository.", path: ["repository"] });
  });

export type AppInput = z.output<typeof appRequestSchema>;

/** A scaffold request as kept with its change, to plan it again on a newer head: the preview's base and digest are not part of it. */
export function storedScaffoldRequest<T extends { expectedBaseSha?: string; expectedPlanDigest?: string }>(input: T): Omit<T, "expectedBaseSha" | "expectedPlanDigest"> {
  const { expectedBaseSha: _base, expectedPlanDigest: _digest, ...kept } = input;
  return kept;
}
