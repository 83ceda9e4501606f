import type { Candidate } from "../candidate";
import { chartAppName, chartDirVersions, type DirReaders } from "../dir-versions";
import { isEnvLikeName } from "../env-order";
import { basename } from "../paths";

const ENV_VALUES = /^values[-.]([\w-]+)\.ya?ml$/;

/** Helm chart folders with per-env values files (`values-staging.yaml`): one deployment per env file. */
export function detectHelmValues(r: DirReaders): Candidate[] {
  const { ctx } = r;
  const out: Candidate[] = [];
  for (const chartFile of ctx.index.paths.filter((p) => basename(p) === "Chart.yaml")) {
    const dir = chartFile.slice(0, -"Chart.yaml".length).replace(/\/$/, "");
    if (ctx.inChartTemplates(chartFile)) continue;
    const base = ctx.index.findFileIn(dir, ["values.yaml", "values.yml"]);
    for (const file of ctx.index.filesIn(dir)) {
      const m = ENV_VALUES.exec(basename(file));
      if (!m?.[1] || !isEnvLikeName(m[1], ctx.configuredEnvNames)) continue;
      ctx.conventions.add("helm-values-per-env");
      const env = m[1];
      // The env file over the shared values.yaml, as `helm -f values.yaml -f values-<env>.yaml` layers them.
      const own = chartDirVersions(ctx, dir, base ? [base, file] : [file], file);
      const versions = own.versions;
      out.push({
        app: chartAppName(ctx, dir),
        env,
        path: file,
        appDir: dir,
        versions,
        errors: own.errors,
        files: [file],
        source: "helm-values",
      });
    }
  }
  return out;
}
