import type { LiveApplication, LiveEvent } from "../types";
import { errorForStatus, LiveSourceError } from "./errors";
import { LIST_FIELDS, WATCH_FIELDS } from "./fields";
import { reshapeApplication } from "./reshape";
import { SseParser } from "./sse";
import type { WireApplicationList, WireStreamMessage } from "./wire";

export interface ArgoCdClientOptions {
  /** The source's name, for messages. */
  name: string;
  /** The API server's address, without a trailing slash. */
  url: string;
  token: string | undefined;
  /** Time limit of the list request (the stream has none: it is meant to stay open). */
  listTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface ApplicationListing {
  applications: LiveApplication[];
  resourceVersion: string | null;
}

/** Argo CD's REST API (grpc-gateway) as Ferry reads it: list with a projection, then follow the stream. */
export class ArgoCdClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly options: ArgoCdClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  private headers(): Record<string, string> {
    if (!this.options.token) throw new LiveSourceError(`${this.options.name}: no Argo CD token is configured`, "unauthorized");
    return { authorization: `Bearer ${this.options.token}`, accept: "application/json" };
  }

  private async request(path: string, what: string, signal: AbortSignal, accept?: string): Promise<Response> {
    const headers = { ...this.headers(), ...(accept ? { accept } : {}) };
    let response: Response;
    try {
      response = await this.fetch(`${this.options.url}${path}`, { headers, signal, redirect: "error" });
    } catch (error) {
      if (signal.aborted) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      throw new LiveSourceError(`${this.options.name}: ${what}: cannot reach ${this.options.url} (${cause})`, "unavailable");
    }
    if (!response.ok) throw errorForStatus(this.options.name, what, response.status, await response.text().catch(() => ""));
    return response;
  }

  async listApplications(signal: AbortSignal): Promise<ApplicationListing> {
    const timeout = AbortSignal.timeout(this.options.listTimeoutMs ?? 60_000);
    const response = await this.request(`/api/v1/applications?fields=${encodeURIComponent(LIST_FIELDS)}`, "list applications", AbortSignal.any([signal, timeout]));
    let body: WireApplicationList;
    try {
      body = (await response.json()) as WireApplicationList;
    } catch (error) {
      throw new LiveSourceError(`${this.options.name}: list applications: the answer is not JSON (${(error as Error).message})`, "invalid");
    }
    const applications = (body.items ?? []).map(reshapeApplication).filter((a): a is LiveApplication => a !== undefined);
    return { applications, resourceVersion: body.metadata?.resourceVersion || null };
  }

  /**
   * Follows `/api/v1/stream/applications` from `resourceVersion`: yields the events of each network
   * chunk together (one write per burst), first an empty batch once the stream is open, ends when the server closes the stream, throws
   * LiveSourceError (reason `expired` when the server asks for a relist).
   */
  async *watchApplications(resourceVersion: string | null, signal: AbortSignal): AsyncGenerator<{ events: LiveEvent[]; resourceVersion: string | null }> {
    const query = new URLSearchParams({ fields: WATCH_FIELDS });
    if (resourceVersion) query.set("resourceVersion", resourceVersion);
    const response = await this.request(`/api/v1/stream/applications?${query}`, "follow applications", signal, "text/event-stream");
    yield { events: [], resourceVersion: null };
    if (!response.body) return;
    const parser = new SseParser();
    const decoder = new TextDecoder();
    try {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const messages = parser.push(decoder.decode(value, { stream: true }));
        if (messages.length === 0) continue;
        const batch = parseStreamMessages(this.options.name, messages);
        if (batch.events.length > 0) yield batch;
      }
    } catch (error) {
      if (signal.aborted || error instanceof LiveSourceError) throw error;
      throw new LiveSourceError(`${this.options.name}: the application stream broke off (${error instanceof Error ? error.message : String(error)})`, "interrupted");
    }
  }
}

/** The events of a burst of stream messages; an error message ends the stream (410: relist). */
export function parseStreamMessages(source: string, messages: readonly string[]): { events: LiveEvent[]; resourceVersion: string | null } {
  const events: LiveEvent[] = [];
  let resourceVersion: string | null = null;
  for (const data of messages) {
    let message: WireStreamMessage;
    try {
      message = JSON.parse(data) as WireStreamMessage;
    } catch {
      throw new LiveSourceError(`${source}: the application stream sent a message that is not JSON: ${data.slice(0, 80)}`, "invalid");
    }
    if (message.error) {
      const { http_code: status, message: text = "" } = message.error;
      const expired = status === 410 || /too old resource version|expired/i.test(text);
      throw new LiveSourceError(`${source}: the application stream ended with an error${status ? ` (HTTP ${status})` : ""}: ${text}`, expired ? "expired" : status === 401 || status === 403 ? "unauthorized" : "unavailable", status);
    }
    const type = message.result?.type;
    const app = message.result?.application ? reshapeApplication(message.result.application) : undefined;
    if (!app) continue;
    if (app.resourceVersion) resourceVersion = app.resourceVersion;
    events.push(type === "DELETED" ? { type: "delete", key: app.key } : { type: "upsert", application: app });
  }
  return { events, resourceVersion };
}
