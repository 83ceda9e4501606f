import type { Version } from "../../model";
import { getAtPath } from "../../yaml";
import type { Candidate } from "../candidate";
import { chartDirVersions, type DirReaders } from "../dir-versions";
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
      const own = chartDirVersions(ctx, dir, [file], file);
      // The env file wins; the shared values.yaml fills in what it does not set (and names the image).
      const shared = base ? chartDirVersions(ctx, dir, [base], file).versions.filter((v) => v.kind === "image") : [];
      const samePath = (a: Version, b: Version) => a.path.join(".") === b.path.join(".");
      const versions = own.versions.map((v) => {
        const s = v.kind === "image" ? shared.find((x) => samePath(x, v)) : undefined;
        return s && getAtPath(ctx.load(file).docs[0]?.value, [...v.path.slice(0, -1), "repository"]) === undefined ? { ...v, name: s.name } : v;
      });
      versions.push(...shared.filter((s) => !own.versions.some((v) => v.kind === "image" && samePath(s, v))));
      out.push({
        app: basename(dir) || ctx.rootAppName,
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
