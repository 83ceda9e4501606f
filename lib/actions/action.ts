import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { recordAudit, type AuditEntry } from "@/lib/auth/audit";
import { ForbiddenError, UnauthenticatedError } from "@/lib/auth/errors";
import {
  authorize,
  policyConfigFromEnv,
  type Action as PolicyAction,
  type Actor,
  type PolicyConfig,
  type Resource,
} from "@/lib/auth/policy";
import { getCurrentUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, databaseErrorSummary } from "@/lib/db/unavailable";
import { isDomainError } from "./domain-error";
import { findNulByte } from "./input";
import { log } from "@/lib/observability/log";
import { logContext, requestId, withLogContext } from "@/lib/observability/log-context";

/**
 * The action-client chain every server action and API route goes through, so none can forget a step:
 *
 *   validate input (zod) → who is acting → authorize (lib/auth/policy) → handler → audit
 *
 * Failures come back as values, never as thrown errors, so a form can show them and an API route
 * can map them to a status (see ./http.ts). Only Next's own control flow (redirect, notFound) thrown
 * by a handler passes through; prefer returning data and redirecting in the caller, because such a
 * handler leaves no `ok` audit row.
 */

/** `unavailable`: the database cannot be reached right now (API routes answer 503 with Retry-After). */
export type ActionFailureCode = "invalid" | "unauthenticated" | "forbidden" | "failed" | "unavailable" | "error";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; code: ActionFailureCode; fieldErrors?: Record<string, string[]> };

export interface Permission {
  action: PolicyAction;
  resource?: Resource;
}

/** What the `ok` audit row says; the handler fills in what it only knows at the end (a PR link). */
export interface AuditDetails {
  resourceType?: string;
  resourceId?: string | null;
  message?: string | null;
  /** Replaces the default (the validated input): typically the change set. */
  details?: unknown;
  link?: string | null;
}

export interface HandlerContext<I> {
  input: I;
  /** Who acts: a signed-in person or an API token (`user.kind`). */
  user: Actor;
  prisma: PrismaClient;
  /** Adds to the `ok` audit row written after the handler returns. */
  audit: (details: AuditDetails) => void;
}

export interface ActionDefinition<S extends z.ZodType, T> {
  /** Audit action name and log label, verb-noun in dotted form: "deployment.promote". */
  name: string;
  input: S;
  /** What the policy is asked. May read the database (an app's team, an env's protection). */
  permission: (input: z.output<S>, ctx: { prisma: PrismaClient; user: Actor }) => Permission | Promise<Permission>;
  handler: (ctx: HandlerContext<z.output<S>>) => Promise<T>;
  audit?: {
    /** Defaults to the first part of the permission's action ("deployment"). */
    resourceType?: string;
    resourceId?: (input: z.output<S>) => string | null | undefined;
    /** false for reads: refusals and errors are still recorded, successes are not. */
    onSuccess?: boolean;
  };
}

export interface RunContext {
  /** The actor, or a function finding it (called after validation). */
  actor: Actor | null | (() => Promise<Actor | null>);
  prisma: PrismaClient;
  /** Defaults to FERRY_PROTECTED_ENV_ROLE's policy (see policyConfigFromEnv). */
  policy?: PolicyConfig;
}

export interface DefinedAction<T> {
  /** As a server action: the actor is the session's user. Accepts a plain object or FormData. */
  (rawInput: unknown): Promise<ActionResult<T>>;
  /** For API routes and tests: the caller supplies the actor (e.g. from authenticateBearer). */
  run(rawInput: unknown, ctx: RunContext): Promise<ActionResult<T>>;
  readonly actionName: string;
}

export function defineAction<S extends z.ZodType, T>(definition: ActionDefinition<S, T>): DefinedAction<T> {
  // Every line the action logs names it, and the request it serves (an API route has set the id already).
  const run = (rawInput: unknown, ctx: RunContext) =>
    withLogContext({ request_id: logContext().request_id ?? requestId(), action: definition.name }, () => runAction(definition, rawInput, ctx));
  // Only `rawInput` is reachable from the browser: properties of a server action are not sent to the
  // client, so `run` (which trusts its actor) cannot be called with a forged one.
  const bound = async (rawInput: unknown) => {
    const request = await headers();
    return withLogContext({ request_id: requestId(request) }, () => run(rawInput, { actor: getCurrentUser, prisma: getPrisma() }));
  };
  return Object.assign(bound, { run, actionName: definition.name });
}

let cachedPolicy: PolicyConfig | undefined;
function envPolicy(): PolicyConfig {
  cachedPolicy ??= policyConfigFromEnv();
  return cachedPolicy;
}

async function runAction<S extends z.ZodType, T>(
  def: ActionDefinition<S, T>,
  rawInput: unknown,
  ctx: RunContext,
): Promise<ActionResult<T>> {
  const raw = rawInput instanceof FormData ? formDataToObject(rawInput) : rawInput;
  // Postgres text cannot hold a NUL byte: refused here for every action, with the field it is in.
  const nul = findNulByte(raw);
  if (nul !== null) return { ok: false, code: "invalid", error: `Invalid input: ${nul}: must not contain NUL bytes`, fieldErrors: { [nul]: ["must not contain NUL bytes"] } };
  const parsed = def.input.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  const input: z.output<S> = parsed.data;

  const { prisma } = ctx;
  let user: Actor | null = null;
  let permission: Permission | undefined;
  const audit: AuditDetails = {};
  const auditFor = (result: AuditEntry["result"], message: string | null): AuditEntry => {
    const permissionAction = permission?.action;
    return {
      actor: user,
      action: def.name,
      resourceType: audit.resourceType ?? def.audit?.resourceType ?? permissionAction?.split(".")[0] ?? def.name,
      resourceId: audit.resourceId ?? def.audit?.resourceId?.(input) ?? null,
      result,
      message: result === "ok" ? (audit.message ?? message) : message,
      details: result === "ok" && audit.details !== undefined ? audit.details : { input, permission },
      link: audit.link ?? null,
    };
  };

  try {
    user = typeof ctx.actor === "function" ? await ctx.actor() : ctx.actor;
    if (!user) return { ok: false, code: "unauthenticated", error: "Sign in first" };

    permission = await def.permission(input, { prisma, user });
    const decision = authorize(user, permission.action, permission.resource, ctx.policy ?? envPolicy());
    if (!decision.allowed) {
      await writeAudit(prisma, def.name, auditFor("denied", decision.reason));
      return { ok: false, code: "forbidden", error: decision.reason };
    }

    const data = await def.handler({ input, user, prisma, audit: (more) => Object.assign(audit, more) });
    if (def.audit?.onSuccess !== false) await writeAudit(prisma, def.name, auditFor("ok", null));
    return { ok: true, data };
  } catch (error) {
    unstable_rethrow(error);
    // A handler may check a finer permission itself (assertAuthorized): still a refusal, not a failure.
    if (error instanceof ForbiddenError) {
      await writeAudit(prisma, def.name, auditFor("denied", error.message));
      return { ok: false, code: "forbidden", error: error.message };
    }
    if (error instanceof UnauthenticatedError) return { ok: false, code: "unauthenticated", error: error.message };
    if (isDomainError(error)) {
      await writeAudit(prisma, def.name, auditFor("error", error.message));
      return { ok: false, code: "failed", error: error.message };
    }
    // No audit row: it would need the very database that is gone. Not a bug, so no error id either.
    if (isDatabaseUnavailable(error)) {
      log("warn", "database unavailable", { error: databaseErrorSummary(error) });
      return { ok: false, code: "unavailable", error: DATABASE_UNAVAILABLE_MESSAGE };
    }
    const id = randomUUID().slice(0, 8);
    log("error", "unexpected error", { error_id: id, error });
    await writeAudit(prisma, def.name, auditFor("error", `Something went wrong: ${id}`));
    return { ok: false, code: "error", error: `Something went wrong: ${id}` };
  }
}

// The audit log must not turn a done deed into a reported failure (the PR is already open), so a
// failed audit write is logged loudly and the result stands.
async function writeAudit(prisma: PrismaClient, name: string, entry: AuditEntry): Promise<void> {
  try {
    await recordAudit(prisma, entry);
  } catch (error) {
    log("error", "could not write the audit row", { action: name, result: entry.result, error });
  }
}

function invalid(error: z.ZodError): ActionResult<never> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_form";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.map(String).join(".")}: ` : "";
  return { ok: false, code: "invalid", error: `Invalid input: ${where}${first?.message ?? "rejected"}`, fieldErrors };
}

/** FormData as a plain object; a repeated field becomes an array. Files are kept as File objects. */
export function formDataToObject(form: FormData): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const out: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  for (const key of new Set(form.keys())) {
    // React adds `$ACTION_…` bookkeeping fields to progressively enhanced forms.
    if (key.startsWith("$ACTION_")) continue;
    const values = form.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}
