// `npm run build:cli`: bundle the ferry CLI (lib/cli/main.ts and everything it imports, dependencies
// included) into one ES module, dist/cli/ferry.mjs, so `ferry` starts without compiling TypeScript.
// bin/ferry.js uses the bundle while it matches the sources (see bin/cli-bundle.mjs) and runs the
// sources through tsx otherwise. Runs from postinstall, `npm test` and `npm start`.
//
//   node scripts/build-cli.mjs [--force] [--if-possible] [--quiet] [--outdir DIR]
//     --force        build even if the bundle is up to date
//     --if-possible  a failed build is a warning and exit 0 (postinstall: ferry still works, slower)
//     --quiet        no line when the bundle is already up to date
//     --outdir DIR   write ferry.mjs and its manifest to DIR instead of dist/cli
//
// Dependencies are bundled, not left to node_modules: one file to parse starts about twice as fast
// as resolving and loading yaml, zod, semver, minimatch and js-yaml module by module.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { BUNDLE_FILE, DEFAULT_DIR, MANIFEST_FILE, MANIFEST_VERSION, ROOT, freshBundle, listingHash, sha256 } from "../bin/cli-bundle.mjs";

const ENTRY = "lib/cli/main.ts";
// Files that shape the bundle without being one of its inputs.
const BUILD_FILES = ["tsconfig.json", "scripts/build-cli.mjs", "bin/cli-bundle.mjs"];

const { values: opts } = parseArgs({
  options: {
    force: { type: "boolean" },
    "if-possible": { type: "boolean" },
    quiet: { type: "boolean" },
    outdir: { type: "string" },
  },
});
const outdir = path.resolve(opts.outdir ?? DEFAULT_DIR);
const shown = path.relative(ROOT, outdir) || outdir;

try {
  const fresh = opts.force ? undefined : freshBundle(outdir);
  if (fresh?.bundle) {
    if (!opts.quiet) console.log(`ferry: CLI bundle ${shown}/${BUNDLE_FILE} is up to date`);
  } else {
    const ms = await build();
    console.log(`ferry: built the CLI bundle ${shown}/${BUNDLE_FILE} in ${ms} ms`);
  }
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  if (!opts["if-possible"]) {
    console.error(`ferry: building the CLI bundle failed: ${message}`);
    process.exit(1);
  }
  console.warn(`ferry: warning: could not build the CLI bundle (${message.split("\n")[0]}); ferry will run from the TypeScript sources (slower start)`);
}

async function build() {
  const started = Date.now();
  // Loaded here so that an up-to-date check never pays for it.
  const esbuild = await import("esbuild");
  mkdirSync(outdir, { recursive: true });
  const tmp = path.join(outdir, `.${BUNDLE_FILE}.${process.pid}.tmp`);
  try {
    return await buildTo(esbuild, tmp, started);
  } finally {
    rmSync(tmp, { force: true });
  }
}

async function buildTo(esbuild, tmp, started) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    outfile: tmp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    metafile: true,
    logLevel: "warning",
    // Bundled CommonJS dependencies may require() Node built-ins; ESM has no require of its own.
    banner: { js: 'import { createRequire as __ferryCreateRequire } from "node:module";\nconst require = __ferryCreateRequire(import.meta.url);' },
  });
  if (result.errors.length) throw new Error(result.errors.map((e) => e.text).join("\n"));

  const sources = new Set(BUILD_FILES);
  const sourceDirs = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    const parts = input.split("/");
    const nm = parts.lastIndexOf("node_modules");
    if (nm < 0) {
      sources.add(input);
      sourceDirs.add(path.dirname(input));
    }
    // A dependency counts by its package.json: an install of another version changes it.
    else sources.add([...parts.slice(0, nm + 2 + (parts[nm + 1]?.startsWith("@") ? 1 : 0)), "package.json"].join("/"));
  }
  const files = [...sources].sort().map((rel) => {
    const full = path.join(ROOT, rel);
    const info = statSync(full);
    // Edited while esbuild read it: the bundle may hold the old text, so this build proves nothing.
    if (info.mtimeMs >= started) throw new Error(`${rel} changed during the build; run it again`);
    return { path: rel, size: info.size, mtimeMs: info.mtimeMs, sha256: sha256(readFileSync(full)) };
  });
  const dirs = [...sourceDirs].sort().map((rel) => {
    const full = path.join(ROOT, rel);
    return { path: rel, mtimeMs: statSync(full).mtimeMs, listing: listingHash(full) };
  });

  const bundle = path.join(outdir, BUNDLE_FILE);
  renameSync(tmp, bundle);
  const manifest = { version: MANIFEST_VERSION, entry: ENTRY, builtAt: new Date().toISOString(), bundleSize: statSync(bundle).size, files, dirs };
  const manifestTmp = path.join(outdir, `.${MANIFEST_FILE}.${process.pid}.tmp`);
  writeFileSync(manifestTmp, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(manifestTmp, path.join(outdir, MANIFEST_FILE));
  return Date.now() - started;
}
