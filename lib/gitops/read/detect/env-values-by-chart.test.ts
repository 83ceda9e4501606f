import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { readRepository } from "../index";

// Charts kept in the repository and one values file per environment whose top-level keys name them, as a
// deploy script hands each chart its block (`yq '.api' environments/prod/values.yaml | helm upgrade … -f -`).

const chart = (name: string, extra = "") => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;

function tree(extra: Record<string, string | undefined> = {}): FileTree {
  const files: Record<string, string | undefined> = {
    "charts/api/Chart.yaml": chart("api"),
    "charts/api/values.yaml": "image:\n  repository: ghcr.io/acme/api\n  tag: \"\"\nreplicas: 1\n",
    "charts/worker/Chart.yaml": chart("worker", "dependencies:\n  - name: redis\n    version: 20.x.x\n    repository: https://charts.bitnami.com/bitnami\n    condition: redis.enabled\n"),
    "charts/worker/values.yaml": "image:\n  repository: ghcr.io/acme/worker\n  tag: 2.0.0\nredis:\n  enabled: true\n",
    "charts/gpu/Chart.yaml": chart("gpu-runner"),
    "charts/gpu/values.yaml": "enabled: true\nimage:\n  repository: ollama/ollama\n  tag: 0.5.1\n",
    "environments/dev/values.yaml": "api:\n  image:\n    tag: dev\nworker:\n  replicas: 1\ngpu-runner:\n  enabled: true\nfeatures:\n  beta: true\n",
    "environments/prod/values.yaml": "api:\n  image:\n    tag: v1.4.0\nworker:\n  image:\n    tag: 2.1.0\n  redis:\n    enabled: false\ngpu-runner:\n  enabled: false\n",
    ...extra,
  };
  return new Map(Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined));
}

const cells = (t: FileTree) =>
  readRepository(t, { rootAppName: "repo" })
    .deployments.map((d) => `${d.app}@${d.env}: ${d.versions.map((v) => `${v.name}=${v.value} [${v.file} ${v.field}]`).join(", ")}`)
    .sort();

describe("one values file per environment, keyed by the charts kept in the repository", () => {
  it("deploys each chart in each environment with its block over the chart's values, and not where the block disables it", () => {
    expect(cells(tree())).toEqual([
      "api@dev: ghcr.io/acme/api=dev [environments/dev/values.yaml api.image.tag]",
      "api@prod: ghcr.io/acme/api=v1.4.0 [environments/prod/values.yaml api.image.tag]",
      "gpu@dev: ollama/ollama=0.5.1 [charts/gpu/values.yaml image.tag (inherited from charts/gpu/values.yaml)]",
      "worker@dev: https://charts.bitnami.com/bitnami/redis=20.x.x [charts/worker/Chart.yaml dependencies[name=redis].version], ghcr.io/acme/worker=2.0.0 [charts/worker/values.yaml image.tag (inherited from charts/worker/values.yaml)]",
      "worker@prod: ghcr.io/acme/worker=2.1.0 [environments/prod/values.yaml worker.image.tag]",
    ]);
  });

  it("reads values files named for the environment (values-<env>.yaml) outside the charts too", () => {
    const t = tree({ "environments/dev/values.yaml": undefined, "environments/prod/values.yaml": undefined, "deploy/values-staging.yaml": "api:\n  image:\n    tag: rc1\nworker: {}\n" });
    expect(cells(t)).toEqual([
      "api@staging: ghcr.io/acme/api=rc1 [deploy/values-staging.yaml api.image.tag]",
      // Not named by the only environment's file: the repository has no environments for it (see standalone.ts).
      "gpu@default: ollama/ollama=0.5.1 [charts/gpu/values.yaml image.tag]",
      "worker@staging: https://charts.bitnami.com/bitnami/redis=20.x.x [charts/worker/Chart.yaml dependencies[name=redis].version], ghcr.io/acme/worker=2.0.0 [charts/worker/values.yaml image.tag (inherited from charts/worker/values.yaml)]",
    ]);
  });

  it("leaves a file naming one chart, a file outside an environment folder, and an umbrella chart's own values alone", () => {
    const oneChart = tree({ "environments/dev/values.yaml": "api:\n  image:\n    tag: dev\n", "environments/prod/values.yaml": "api:\n  image:\n    tag: v1\nunknown:\n  x: 1\n" });
    expect(cells(oneChart).map((c) => c.split(":")[0])).toEqual(["api@default", "gpu@default", "worker@default"]);
    const noEnv = tree({ "environments/dev/values.yaml": undefined, "environments/prod/values.yaml": undefined, "config/values.yaml": "api:\n  image:\n    tag: x\nworker: {}\n" });
    expect(cells(noEnv).map((c) => c.split(":")[0])).toEqual(["api@default", "gpu@default", "worker@default"]);
    // The charts are subcharts of an umbrella kept beside them: the file is the umbrella's, not one per chart.
    const umbrella = tree({ "charts/platform/Chart.yaml": chart("platform", "dependencies:\n  - name: api\n    repository: file://../api\n  - name: worker\n    repository: file://../worker\n") });
    expect(cells(umbrella).filter((c) => /@(dev|prod):/.test(c))).toEqual([]);
  });
});
