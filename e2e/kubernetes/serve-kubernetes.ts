// The Kubernetes API server of the Kubernetes live-state e2e run: the CRD-validated test server, holding
// the Flux objects of the fleet demo repository's production cluster (clusters/production: one
// GitRepository, one Kustomization per app), and a control endpoint through which the spec changes what
// Flux reports or stops the API server.
//
//   node --import tsx e2e/kubernetes/serve-kubernetes.ts <repository path>   (started by playwright.kubernetes.config.ts)
//
// The GitRepository's URL is `ssh://` + the repository's local path: Flux's CRD allows only http, https
// and ssh URLs, and the portal reads the demo repository from its path (the URL's host is empty, and
// Ferry compares repository URLs without scheme and user, as it does for any GitRepository).
import { execFileSync } from "node:child_process";
import http from "node:http";
import { gitRepository, kustomization, type FluxReadiness } from "../../lib/live/testing/flux-objects";
import { startKubernetesTestServer, type KubernetesTestServer } from "../../lib/live/testing/kubernetes-test-server";
import { kubernetesE2e } from "./cluster";

const e2e = kubernetesE2e();
const repository = process.argv[2] ?? ".";

interface FluxState {
  name: string;
  path: string;
  readiness: FluxReadiness;
  /** A commit, or "HEAD": the repository's main as it is now (after a merge in the portal, the merge commit). */
  revision?: string;
}

function head(): string {
  return execFileSync("git", ["-C", repository, "rev-parse", "refs/heads/main"], { encoding: "utf8" }).trim();
}

let server: KubernetesTestServer | null = await startKubernetesTestServer({ token: e2e.token, port: e2e.apiPort });
server.upsert(gitRepository({ name: "flux-system", url: `ssh://${repository}` }));
// A production Kustomization whose build fails: stalled, degraded.
server.upsert(kustomization({ name: "profile", path: "./apps/profile/overlays/production", readiness: "Stalled" }));

const control = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    void (async () => {
      if (req.url === "/health") return res.end("ok");
      if (req.method === "POST" && req.url === "/kustomizations" && server) {
        const state = JSON.parse(body) as FluxState;
        const revision = state.revision === "HEAD" ? head() : state.revision;
        server.upsert(kustomization({ name: state.name, path: state.path, readiness: state.readiness, revision: revision ? `main@sha1:${revision}` : undefined, at: new Date().toISOString() }));
        return res.end(JSON.stringify({ revision: revision ?? null, violations: server.violations }));
      }
      if (req.method === "POST" && req.url === "/stop" && server) {
        const stopping = server;
        server = null;
        await stopping.close();
        return res.end(JSON.stringify({ violations: stopping.violations }));
      }
      res.statusCode = 404;
      res.end();
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
});
control.listen(e2e.controlPort, "127.0.0.1", () => console.log(`kubernetes: API on ${e2e.api}, control on ${e2e.control}, repository ${repository}`));
process.once("SIGTERM", () => {
  void server?.close();
  control.close();
  process.exit(0);
});
