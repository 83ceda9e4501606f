import type { Candidate } from "../candidate";
import { readDirVersions, type DirReaders } from "../dir-versions";

function templateRegex(template: string): RegExp {
  const parts = template.replace(/^\.?\/+|\/+$/g, "").split("/");
  const src = parts
    .map((p) => {
      if (p === "**") return "(?:.+)";
      return p
        .split(/(\{app\}|\{env\}|\*)/)
        .map((t) => (t === "{app}" ? "(?<app>[^/]+)" : t === "{env}" ? "(?<env>[^/]+)" : t === "*" ? "[^/]+" : t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("");
    })
    .join("/");
  return new RegExp(`^${src}$`);
}

/** Folders matching the config's path templates (`apps/{app}/overlays/{env}`): the pinned layout. */
export function detectConfiguredPaths(r: DirReaders, templates: readonly string[]): Candidate[] {
  const { ctx } = r;
  const regexes = templates.map(templateRegex);
  const out: Candidate[] = [];
  for (const dir of ctx.index.allDirs()) {
    for (const re of regexes) {
      const m = re.exec(dir);
      const env = m?.groups?.env;
      if (!m || !env) continue;
      const app = m.groups?.app ?? ctx.rootAppName;
      const read = readDirVersions(r, dir, false);
      out.push({
        app,
        env,
        path: dir,
        appDir: m.groups?.app ? dir.slice(0, dir.indexOf(app) + app.length) : "",
        versions: read.versions,
        errors: read.errors,
        files: [...ctx.index.filesUnder(dir)],
        destination: read.namespace ? { namespace: read.namespace } : undefined,
        source: "configured",
      });
      break;
    }
  }
  if (out.length > 0) ctx.conventions.add("configured-paths");
  return out;
}
