// Times one HTTP GET: TTFB is when the response headers arrive (the `response` event), total is
// the last body byte. Both matter for the matrix page: with streaming (app/loading.tsx) the headers
// can leave before the matrix query has even run, so TTFB alone can look better than the page is.
import http from "node:http";

export interface RequestTiming {
  status: number;
  ttfbMs: number;
  totalMs: number;
  bytes: number;
  body: string;
  location: string | undefined;
}

// Keep-alive: the benchmark is about the server's work, not TCP handshakes on loopback.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export function timeGet(url: string, cookie: string | undefined, timeoutMs = 30_000): Promise<RequestTiming> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { method: "GET", agent, headers: { ...(cookie ? { cookie } : {}), accept: "text/html" } }, (res) => {
      const ttfbMs = performance.now() - started;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          ttfbMs,
          totalMs: performance.now() - started,
          bytes: body.length,
          body: body.toString("utf8"),
          location: res.headers.location,
        });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

export function closeHttpAgent(): void {
  agent.destroy();
}
