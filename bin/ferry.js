#!/usr/bin/env node
// Ferry CLI entry: runs the TypeScript sources through tsx so it works offline from a checkout.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../lib/cli/main.ts");
await runCli();
