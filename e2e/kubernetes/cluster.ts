// Where the Kubernetes live-state e2e run's API test server listens, shared by its config, server and spec.
export function kubernetesE2e() {
  const portal = Number(process.env.FERRY_E2E_PORT ?? 3100) + 50;
  return {
    portalPort: portal,
    portal: `http://localhost:${portal}`,
    api: `http://127.0.0.1:${portal + 1}`,
    apiPort: portal + 1,
    control: `http://127.0.0.1:${portal + 2}`,
    controlPort: portal + 2,
    token: "e2e-kube-readonly-token",
    source: "kube-e2e",
    /** The cluster's name as the fleet demo repository calls it (clusters/production). */
    cluster: "production",
  };
}
