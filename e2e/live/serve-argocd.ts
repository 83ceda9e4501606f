// The Argo CD API server of the live-state e2e run: the swagger-validated test server, holding
// Applications for the demo payments-gitops repository (by its local path, as the portal reads it),
// and a control endpoint through which the spec changes what Argo CD reports or stops the API server.
//
//   node --import tsx e2e/live/serve-argocd.ts <repository path>     (started by playwright.live.config.ts)
import { execFileSync } from "node:child_process";
import http from "node:http";
import { argoApplication, startArgoCdTestServer, type ArgoCdTestServer } from "../../lib/live/testing/argocd-test-server";
import { liveE2e } from "./argocd";

const e2e = liveE2e();
const repoURL = `file://${process.argv[2]}`;
const app = (a: Omit<Parameters<typeof argoApplication>[0], "repoURL">) => argoApplication({ ...a, repoURL });

/**
 * As Argo CD resolves `targetRevision: HEAD`: "HEAD" is the repository's main as it is now (after a merge
 * in the portal, the merge commit), "now" the time of the request.
 */
function resolve(a: Parameters<typeof app>[0]): Parameters<typeof app>[0] {
  const head = () => execFileSync("git", ["-C", process.argv[2] ?? ".", "rev-parse", "refs/heads/main"], { encoding: "utf8" }).trim();
  return { ...a, revision: a.revision === "HEAD" ? head() : a.revision, finishedAt: a.finishedAt === "now" ? new Date().toISOString() : a.finishedAt };
}

let server: ArgoCdTestServer | null = await startArgoCdTestServer({ token: e2e.token, port: e2e.argocdPort });
server.upsert(app({ name: "checkout-staging", path: "apps/checkout/staging", images: ["ghcr.io/acme/checkout:2.4.0"] }));
server.upsert(app({ name: "checkout-production", path: "apps/checkout/production", sync: "OutOfSync", health: "Degraded", images: ["ghcr.io/acme/checkout:2.3.0"] }));
server.upsert(argoApplication({ name: "billing", repoURL: "https://github.com/acme/billing-gitops", path: "deploy/production" }));

const control = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    void (async () => {
      if (req.url === "/health") return res.end("ok");
      if (req.method === "POST" && req.url === "/apps" && server) {
        const resolved = resolve(JSON.parse(body) as Parameters<typeof app>[0]);
        server.upsert(app(resolved));
        return res.end(JSON.stringify({ revision: resolved.revision ?? null }));
      }
      if (req.method === "POST" && req.url === "/stop" && server) {
        const stopping = server;
        server = null;
        await stopping.close();
        return res.end(JSON.stringify({ violations: stopping.violations }));
      }
      if (req.url === "/violations") return res.end(JSON.stringify(server?.violations ?? []));
      res.statusCode = 404;
      res.end();
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
});
control.listen(e2e.controlPort, "127.0.0.1", () => console.log(`argocd: API on ${e2e.argocd}, control on ${e2e.control}, repository ${repoURL}`));
process.once("SIGTERM", () => {
  void server?.close();
  control.close();
  process.exit(0);
});
