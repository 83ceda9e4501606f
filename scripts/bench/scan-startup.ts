// `npm run bench:scan [-- <dir>] [--runs N] [--no-npx]`: wall time of `ferry scan <dir> --json` as a
// whole process, start-up included, three ways: from the TypeScript sources (tsx compiles them at every
// start), from the prebuilt bundle through bin/ferry.js, and through `npx --no --offline ferry` as the
// field-corpus runner calls it. Without <dir> it scans a generated ~100-file kustomize repository.
// Runs are interleaved (one of each per round, after a warm-up round) so drift on a shared box hits
// every variant alike. Prints numbers, asserts nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { repoTree } from "./conventions";
import { loadAverage, ms, summarize } from "./measure";

const root = path.resolve(import.meta.dirname, "..", "..");
const bin = path.join(root, "bin", "ferry.js");

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: "string", default: "7" }, "no-npx": { type: "boolean" } },
});
const runs = Number(opts.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, not ${opts.runs}`);

const work = mkdtempSync(path.join(tmpdir(), "ferry-scan-bench-"));
try {
  let dir = positionals[0] ? path.resolve(positionals[0]) : undefined;
  if (!dir) {
    // 5 kustomize apps: base + 6 overlays each, 106 files.
    dir = path.join(work, "scan-bench-repo");
    const tree = repoTree({ name: "scan-bench-repo", convention: "kustomize", firstApp: 0, apps: 5, team: null });
    for (const [file, content] of tree) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    console.log(`repository: generated, ${tree.size} files`);
  } else {
    console.log(`repository: ${dir}`);
  }

  // A bundle of the current sources in a folder of its own: dist/cli may be stale while people edit.
  const bundleDir = path.join(work, "bundle");
  const buildBundle = () => {
    const build = spawnSync(process.execPath, [path.join(root, "scripts", "build-cli.mjs"), "--force", "--quiet", "--outdir", bundleDir], { cwd: root, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`building the bundle failed:\n${build.stderr}`);
    return build.stdout.trim();
  };
  console.log(buildBundle());
  let rebuilds = 0;

  interface Variant {
    label: string;
    command: string;
    args: string[];
    env: Record<string, string>;
    /** Runs the bundle: checked on every run (FERRY_DEBUG line), since a source edited meanwhile would send it to tsx. */
    bundle?: boolean;
  }
  const scan = ["scan", dir, "--json"];
  const variants: Variant[] = [
    { label: "node -e 0 (floor)", command: process.execPath, args: ["-e", "0"], env: {} },
    { label: "sources via tsx", command: process.execPath, args: [bin, ...scan], env: { FERRY_CLI_TSX: "1" } },
    { label: "bundle via bin/ferry.js", command: process.execPath, args: [bin, ...scan], env: { FERRY_CLI_DIR: bundleDir }, bundle: true },
  ];
  if (!opts["no-npx"]) variants.push({ label: "npx --no --offline ferry (bundle)", command: "npx", args: ["--no", "--offline", "ferry", ...scan], env: { FERRY_CLI_DIR: bundleDir }, bundle: true });

  const outputs = new Map<string, string>();
  const times = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  console.log(`load average before: ${loadAverage()}; ${runs} counted rounds after 1 warm-up round`);
  for (let round = 0; round <= runs; round++) {
    for (const v of variants) {
      for (let attempt = 1; ; attempt++) {
        const env = { ...process.env, ...v.env, FERRY_DEBUG: v.bundle ? "1" : "" };
        const started = performance.now();
        const res = spawnSync(v.command, v.args, { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env });
        const took = performance.now() - started;
        if (res.status !== 0) throw new Error(`${v.label} exited ${res.status}: ${res.stderr.trim().slice(0, 500)}`);
        if (v.bundle && !res.stderr.includes("running the prebuilt bundle")) {
          // Sources changed since the build: this run measured tsx, not the bundle. Rebuild, run again.
          if (attempt >= 3) throw new Error(`${v.label} keeps running the sources: ${res.stderr.trim().slice(0, 300)}`);
          rebuilds++;
          buildBundle();
          continue;
        }
        if (round > 0) times.get(v.label)!.push(took);
        if (v.args.includes("scan")) outputs.set(v.label, res.stdout);
        break;
      }
    }
  }
  const distinct = new Set(outputs.values());
  console.log(`scan outputs identical across variants: ${distinct.size === 1 ? "yes" : "NO"} (${[...distinct][0]?.length ?? 0} bytes)`);

  const width = Math.max(...variants.map((v) => v.label.length));
  console.log(`\n${"wall time".padEnd(width)}  ${"min".padStart(8)}  ${"median".padStart(8)}  ${"max".padStart(8)}`);
  for (const v of variants) {
    const s = summarize(times.get(v.label)!);
    console.log(`${v.label.padEnd(width)}  ${ms(s.min).padStart(8)}  ${ms(s.p50).padStart(8)}  ${ms(s.max).padStart(8)}`);
  }
  const median = (label: string) => summarize(times.get(label)!).p50;
  console.log(`\nbundle vs sources: ${(median("sources via tsx") / median("bundle via bin/ferry.js")).toFixed(1)}× faster (medians)`);
  if (rebuilds) console.log(`the bundle was rebuilt ${rebuilds} time(s): sources changed during the benchmark`);
  console.log(`load average after: ${loadAverage()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
