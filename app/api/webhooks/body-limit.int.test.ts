import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma } from "@/lib/db/client";
import { DEFAULT_WEBHOOK_MAX_BYTES } from "@/lib/webhooks/read-body";
import { POST as githubPOST } from "./github/route";
import { POST as gitlabPOST } from "./gitlab/route";

// Real HTTP requests to the webhook route handlers, through a server that hands them the request the
// way Next.js does (a Request whose body is the IncomingMessage itself, duplex "half"): an upload
// past the cap is refused with 413 after reading at most the cap, chunked or not, and nothing is kept.

const SECRET = "body-limit-secret";
const MiB = 1024 * 1024;
const saved = { ...process.env };

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

type Route = (request: Request) => Promise<Response>;
let server: http.Server;
let port: number;
let route: Route;
/** Bytes the server took off the socket for the last request, when the route answered. */
let bytesRead = 0;

beforeAll(async () => {
  process.env.FERRY_GITHUB_WEBHOOK_SECRET = SECRET;
  process.env.FERRY_GITLAB_WEBHOOK_TOKEN = SECRET;
  // Never reached by the requests below: they are refused, or answered (ping), before any query.
  process.env.DATABASE_URL = "postgresql://nobody:nothing@127.0.0.1:1/none";
  server = http.createServer((req, res) => {
    const socket = req.socket;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const request = new Request(`http://ferry.test${req.url}`, { method: req.method, headers, body: req as unknown as BodyInit, duplex: "half" } as RequestInit);
    void route(request).then(async (response) => {
      bytesRead = socket.bytesRead;
      res.writeHead(response.status, { "content-type": "application/json" });
      res.end(await response.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.close();
  await disconnectPrisma();
  process.env = saved;
});

interface Upload {
  headers: Record<string, string>;
  /** Total bytes the client tries to send, in 1 MiB chunks. */
  size: number;
  /** Send Content-Length (else the upload is chunked). */
  declareLength?: boolean;
  body?: Buffer;
}

/** Uploads until the server answers (or all is sent); resolves with the answer. */
function upload(target: Route, { headers, size, declareLength, body }: Upload): Promise<{ status: number; text: string; sent: number }> {
  route = target;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/",
      headers: { "content-type": "application/json", ...headers, ...(declareLength ? { "content-length": String(size) } : {}) },
    });
    let sent = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, sent }));
    });
    req.on("error", (error) => (answered ? undefined : reject(error)));
    if (body) {
      req.end(body);
      sent = body.length;
      return;
    }
    const chunk = Buffer.alloc(MiB, "a");
    const pump = () => {
      while (!answered && sent < size) {
        const piece = chunk.subarray(0, Math.min(MiB, size - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

function githubHeaders(body = "") {
  return {
    "x-github-event": "ping",
    "x-github-delivery": "delivery-1",
    "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
  };
}

async function heapAndBuffers(): Promise<number> {
  // Buffers are freed by the GC pass after the one that found them unreachable, and sockets close a tick later.
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe("webhook bodies are capped before the signature is checked", () => {
  it("refuses a 100 MB chunked GitHub delivery with 413 after reading at most the 25 MiB cap, and keeps none of it", async () => {
    delete process.env.FERRY_WEBHOOK_MAX_BYTES;
    const before = await heapAndBuffers();
    const result = await upload(githubPOST, { headers: githubHeaders(), size: 100 * MiB });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.text)).toEqual({ error: `Payload too large: this portal accepts webhook bodies up to ${DEFAULT_WEBHOOK_MAX_BYTES} bytes.` });
    expect(bytesRead).toBeGreaterThan(DEFAULT_WEBHOOK_MAX_BYTES);
    expect(bytesRead).toBeLessThan(DEFAULT_WEBHOOK_MAX_BYTES + 2 * MiB);
    expect(result.sent).toBeLessThan(100 * MiB);
    // Whatever was buffered up to the cap is garbage once the answer is sent.
    expect((await heapAndBuffers()) - before).toBeLessThan(5 * MiB);
  });

  it("refuses a declared Content-Length over the cap without reading the body (FERRY_WEBHOOK_MAX_BYTES)", async () => {
    process.env.FERRY_WEBHOOK_MAX_BYTES = String(MiB);
    const result = await upload(githubPOST, { headers: githubHeaders(), size: 8 * MiB, declareLength: true });
    expect(result.status).toBe(413);
    expect(result.text).toContain(`up to ${MiB} bytes`);
    expect(bytesRead).toBeLessThan(MiB);
  });

  it("still hands a body under the cap to the signature check and the handler", async () => {
    process.env.FERRY_WEBHOOK_MAX_BYTES = String(MiB);
    const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1, padding: "x".repeat(512 * 1024) });
    const signed = await upload(githubPOST, { headers: githubHeaders(body), size: body.length, body: Buffer.from(body) });
    expect(signed).toMatchObject({ status: 200 });
    expect(JSON.parse(signed.text)).toEqual({ ok: true, event: "ping" });
    const forged = await upload(githubPOST, { headers: githubHeaders("something else"), size: body.length, body: Buffer.from(body) });
    expect(forged.status).toBe(401);
  });

  it("caps GitLab deliveries at GitLab's 5 MiB even when chunked", async () => {
    delete process.env.FERRY_WEBHOOK_MAX_BYTES;
    const result = await upload(gitlabPOST, { headers: { "x-gitlab-event": "Push Hook", "x-gitlab-token": SECRET }, size: 40 * MiB });
    expect(result.status).toBe(413);
    expect(result.text).toContain(`up to ${5 * MiB} bytes`);
    expect(bytesRead).toBeLessThan(7 * MiB);
  });

  it("answers 503 naming the variable when FERRY_WEBHOOK_MAX_BYTES is not a number of bytes", async () => {
    process.env.FERRY_WEBHOOK_MAX_BYTES = "25MB";
    const originalError = console.error;
    console.error = () => undefined;
    try {
      const result = await upload(githubPOST, { headers: githubHeaders("{}"), size: 2, body: Buffer.from("{}") });
      expect(result.status).toBe(503);
      expect(result.text).toContain("FERRY_WEBHOOK_MAX_BYTES");
    } finally {
      console.error = originalError;
    }
  });
});
