import {
  createRequesterFn,
  getMatchingRateLimiter,
  GitbeakerRequestError,
  type FormattedResponse,
  type RateLimiters,
  type RequesterType,
  type ResourceOptions,
} from "@gitbeaker/requester-utils";
import { limitedFetch } from "../forge-limits";

// gitbeaker's own request handler (@gitbeaker/rest) sends a 429 or 502 again up to ten times within a
// quarter of a second, ignoring Retry-After, and GitLabClient.call then retried that whole burst: a
// 429 with `Retry-After: 3` cost 40 requests in 5.5 s. This handler sends each request ONCE, with
// Ferry's timeout, and reports every non-2xx answer as gitbeaker's GitbeakerRequestError (status and
// headers in `cause.response`), so GitLabClient.call is the one place that retries, honouring
// Retry-After. Everything else (options, auth headers, query strings) is gitbeaker's own
// (createRequesterFn), as its rest package builds it.

interface HandlerOptions {
  rateLimiters?: RateLimiters;
  asStream?: boolean;
  prefixUrl?: string;
  searchParams?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  signal?: AbortSignal;
}

async function parseBody(response: Response, asStream: boolean): Promise<FormattedResponse["body"]> {
  if (asStream) return response.body as FormattedResponse["body"];
  if (response.status === 204) return null;
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  if (contentType === "application/json") return ((await response.json()) as FormattedResponse["body"]) || {};
  if (contentType.startsWith("text/")) return (await response.text()) || "";
  return response.blob();
}

async function failed(request: Request, response: Response): Promise<never> {
  const content = await response.text();
  let description = content;
  if (response.headers.get("content-type")?.includes("application/json")) {
    try {
      const output = JSON.parse(content) as { error?: unknown; message?: unknown } | null;
      const property = output?.error || output?.message || "";
      description = typeof property === "string" ? property : JSON.stringify(property);
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  throw new GitbeakerRequestError(description, { cause: { description, request, response } });
}

/** gitbeaker's `requesterFn`: one attempt per call, `timeoutMs` per request (see limitedFetch). */
export function gitlabRequester(timeoutMs: number): (options: ResourceOptions) => RequesterType {
  const send = limitedFetch("GitLab", timeoutMs);
  return createRequesterFn(
    (_service, options) => Promise.resolve(options),
    async (endpoint, raw) => {
      const { rateLimiters, asStream = false, prefixUrl, searchParams, method = "GET", headers, body, signal } = (raw ?? {}) as HandlerOptions;
      const base = prefixUrl ? (prefixUrl.endsWith("/") ? prefixUrl : `${prefixUrl}/`) : undefined;
      const url = new URL(endpoint, base);
      url.search = searchParams ?? "";
      await getMatchingRateLimiter(endpoint, rateLimiters, method)();
      const init: RequestInit = { method, headers, body, ...(signal ? { signal } : {}) };
      const response = await send(url, init);
      if (!response.ok) return failed(new Request(url, { method, headers }), response);
      return { body: await parseBody(response, asStream), headers: Object.fromEntries(response.headers.entries()), status: response.status };
    },
  );
}
