#!/usr/bin/env node
// Ferry CLI entry. Runs the prebuilt bundle (dist/cli/ferry.mjs, see scripts/build-cli.mjs) when it
// matches the sources, which starts in a fraction of a second; otherwise (a fresh checkout without
// the build, or sources edited since) runs the TypeScript sources through tsx, which compiles them at
// every start. FERRY_DEBUG=1 says which on stderr; FERRY_CLI_TSX=1 forces the sources.
import { pathToFileURL } from "node:url";
import { freshBundle } from "./cli-bundle.mjs";

const debug = process.env.FERRY_DEBUG === "1";
const found = process.env.FERRY_CLI_TSX === "1" ? { reason: "FERRY_CLI_TSX=1" } : freshBundle(process.env.FERRY_CLI_DIR || undefined);
let runCli;
if (found.bundle) {
  if (debug) process.stderr.write(`ferry: running the prebuilt bundle ${found.bundle}\n`);
  ({ runCli } = await import(pathToFileURL(found.bundle).href));
} else {
  if (debug) process.stderr.write(`ferry: running the TypeScript sources (${found.reason}; npm run build:cli makes a bundle)\n`);
  const { register } = await import("tsx/esm/api");
  register();
  ({ runCli } = await import("../lib/cli/main.ts"));
}
await runCli();
