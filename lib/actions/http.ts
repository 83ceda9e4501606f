import { authenticateBearer } from "@/lib/auth/api-token";
import { UnauthenticatedError } from "@/lib/auth/errors";
import { isSameOrigin } from "@/lib/auth/request-origin";
import { authorize, type Actor } from "@/lib/auth/policy";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { getUserForSessionToken } from "@/lib/auth/session-store";
import { getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, databaseErrorSummary } from "@/lib/db/unavailable";
import { log } from "@/lib/observability/log";
import { requestId, withLogContext } from "@/lib/observability/log-context";
import type { ActionFailureCode, ActionResult, DefinedAction } from "./action";

// Glue between API route handlers and the action chain: who is calling, and the chain's result as
// an HTTP response (401/403 JSON rather than the sign-in redirect pages get).

const STATUS: Record<ActionFailureCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  failed: 422,
  unavailable: 503,
  error: 500,
};

/**
 * The caller of an API route: a bearer token when an Authorization header is sent (a bad token is
 * not rescued by a cookie), else the browser's session. Cookie-authenticated writes must come from
 * our own origin: SameSite=Lax already keeps cross-site POSTs cookieless, this covers old browsers.
 */
export async function getApiActor(request: Request, prisma: PrismaClient = getPrisma()): Promise<Actor | null> {
  if (request.headers.has("authorization")) return authenticateBearer(request, prisma);
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  if (!token) return null;
  if (!["GET", "HEAD"].includes(request.method) && !isSameOrigin(request)) return null;
  return getUserForSessionToken(prisma, token);
}

export function actionResponse<T>(result: ActionResult<T>, successStatus = 200): Response {
  if (result.ok) return Response.json(result, { status: successStatus });
  const headers: HeadersInit = result.code === "unavailable" ? { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) } : {};
  return Response.json(result, { status: STATUS[result.code], headers });
}

/** 503 with the reason and Retry-After, in the action chain's failure shape. */
export function databaseUnavailableResponse(): Response {
  return actionResponse({ ok: false, code: "unavailable", error: DATABASE_UNAVAILABLE_MESSAGE });
}

/**
 * Wraps a route handler so that a database outage anywhere in it (looking up the caller, a read
 * outside the action chain) answers 503 with a reason instead of Next's bare 500. Other errors are
 * rethrown untouched.
 */
export function withDatabaseErrors<A extends unknown[]>(handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  // Every route's first argument is its Request: its X-Request-Id (or a new id) goes on every line logged for it.
  return async (...args: A) => withLogContext({ request_id: requestId(args[0] instanceof Request ? args[0].headers : null) }, () => answerDatabaseErrors(handler, args));
}

async function answerDatabaseErrors<A extends unknown[]>(handler: (...args: A) => Promise<Response>, args: A): Promise<Response> {
  try {
    return await handler(...args);
  } catch (error) {
    // An expired API token, found while looking up the caller outside the action chain.
    if (error instanceof UnauthenticatedError) return actionResponse({ ok: false, code: "unauthenticated", error: error.message });
    if (!isDatabaseUnavailable(error)) throw error;
    log("warn", "database unavailable", { error: databaseErrorSummary(error) });
    return databaseUnavailableResponse();
  }
}

/** Runs `action` for an API request with `input` (the parsed body or query) and answers JSON. */
export async function respondWithAction<T>(
  action: DefinedAction<T>,
  request: Request,
  input: unknown,
  successStatus = 200,
): Promise<Response> {
  const prisma = getPrisma();
  const result = await action.run(input, { actor: () => getApiActor(request, prisma), prisma });
  return actionResponse(result, successStatus);
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    // Session tokens are base64url, so the value needs no decoding.
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A GET route any signed-in person or API token may read (`repository.read`): `{ ok: true, data }`,
 * 401 without a caller, 403 when the policy refuses, 503 while the database is down.
 */
export function readRoute<T>(read: (prisma: PrismaClient, request: Request) => Promise<T>): (request: Request) => Promise<Response> {
  return withDatabaseErrors(async (request: Request) => {
    const prisma = getPrisma();
    const actor = await getApiActor(request, prisma);
    const decision = authorize(actor, "repository.read");
    if (!decision.allowed) return Response.json({ ok: false, error: decision.reason }, { status: actor ? 403 : 401 });
    return Response.json({ ok: true, data: await read(prisma, request) });
  });
}
