// Where the live-state e2e run's Argo CD test server listens, shared by its config, server and spec.
export function liveE2e() {
  const portal = Number(process.env.FERRY_E2E_PORT ?? 3100) + 20;
  return {
    portalPort: portal,
    portal: `http://localhost:${portal}`,
    argocd: `http://127.0.0.1:${portal + 1}`,
    argocdPort: portal + 1,
    control: `http://127.0.0.1:${portal + 2}`,
    controlPort: portal + 2,
    token: "e2e-readonly-token",
    source: "argocd-e2e",
  };
}
