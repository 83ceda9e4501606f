// The prebuilt CLI bundle (dist/cli/ferry.mjs, written by scripts/build-cli.mjs) and the check that it
// still matches the sources. Plain JavaScript on purpose: bin/ferry.js imports this before it knows
// whether it can skip the TypeScript compiler, so it must load in a millisecond or two.
//
// Freshness: the build records every file the bundle was made from (the sources under lib/, the
// package.json of each bundled dependency, tsconfig.json and the build script itself) with size,
// mtime and SHA-256, and the entries of each source folder. The bundle is used only if every one of
// them is unchanged: same size and mtime, or, when only the mtime moved (a checkout, a copy), the same
// content; and every source folder still lists the same names (a new file can change an import's
// resolution). Anything missing or different means "stale", and bin/ferry.js runs the sources instead.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const DEFAULT_DIR = path.join(ROOT, "dist", "cli");
export const BUNDLE_FILE = "ferry.mjs";
export const MANIFEST_FILE = "ferry.manifest.json";
export const MANIFEST_VERSION = 1;

export function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/** The hash recorded for a folder: its entry names, sorted, one a line. */
export function listingHash(dir) {
  return sha256(readdirSync(dir).sort().join("\n"));
}

/**
 * `{ bundle }` (absolute path) when the bundle in `dir` was built from exactly the files on disk now,
 * otherwise `{ reason }` saying why not.
 */
export function freshBundle(dir = DEFAULT_DIR) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), "utf8"));
  } catch {
    return { reason: `no build in ${path.relative(ROOT, dir) || dir}` };
  }
  if (manifest?.version !== MANIFEST_VERSION || !Array.isArray(manifest.files) || !Array.isArray(manifest.dirs)) {
    return { reason: "the build's manifest is from another version of the build script" };
  }
  const bundle = path.join(dir, BUNDLE_FILE);
  const built = statSync(bundle, { throwIfNoEntry: false });
  if (!built || built.size !== manifest.bundleSize) return { reason: `${BUNDLE_FILE} is missing or not the one the manifest describes` };
  for (const file of manifest.files) {
    const full = path.join(ROOT, file.path);
    const info = statSync(full, { throwIfNoEntry: false });
    if (!info || info.size !== file.size) return { reason: `${file.path} changed since the build` };
    if (info.mtimeMs !== file.mtimeMs && sha256(readFileSync(full)) !== file.sha256) return { reason: `${file.path} changed since the build` };
  }
  for (const folder of manifest.dirs) {
    const full = path.join(ROOT, folder.path);
    const info = statSync(full, { throwIfNoEntry: false });
    if (!info) return { reason: `${folder.path} is gone` };
    if (info.mtimeMs !== folder.mtimeMs && listingHash(full) !== folder.listing) return { reason: `files were added to or removed from ${folder.path}` };
  }
  return { bundle };
}
