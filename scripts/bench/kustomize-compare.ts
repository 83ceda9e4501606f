// Reader vs rendering: Ferry's reader on a whole kustomize repository against `kubectl kustomize`
// on every overlay of it, and whether both see the same container images (as the oracle test does
// for the fixtures, here on the synthetic org's working tree).
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { createParseCache, readRepository } from "@/lib/gitops/read";
import type { Deployment } from "@/lib/gitops/model";
import { readerImages, renderedImages } from "@/lib/gitops/testing/compare-images";
import { git } from "./git";
import { percentile } from "./measure";

const execFileAsync = promisify(execFile);
export const KUBECTL = "/usr/bin/kubectl";

export interface CompareResult {
  files: number;
  overlays: number;
  rendered: number;
  /** Median of 3 reads with an empty parse cache (every file parsed, like kustomize does). */
  readerMs: number;
  kubectlSampleMs: number;
  /** kubectl time for all overlays: measured when all were rendered, else sample mean × overlays. */
  kubectlAllMs: number;
  extrapolated: boolean;
  ratio: number;
  mismatches: string[];
}

/** The working tree as the reader sees it (tracked files only, as a sync would). */
async function loadWorkingTree(dir: string): Promise<Map<string, string>> {
  const paths = (await git(dir, ["ls-files", "-z"])).split("\0").filter(Boolean);
  const tree = new Map<string, string>();
  for (const p of paths) tree.set(p, await readFile(path.join(dir, p), "utf8"));
  return tree;
}

async function kubectlImages(dir: string): Promise<string[]> {
  const { stdout } = await execFileAsync(KUBECTL, ["kustomize", dir], { encoding: "utf8", timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
  return renderedImages(stdout);
}

/** Evenly spread sample so the rendered overlays cover every env and many apps, not one app's six. */
function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]!);
}

export async function compareReaderWithKustomize(dir: string, maxOverlays: number, log: (line: string) => void): Promise<CompareResult> {
  const tree = await loadWorkingTree(dir);
  const reads: number[] = [];
  let model = readRepository(tree, { parseCache: createParseCache() });
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    model = readRepository(tree, { parseCache: createParseCache() });
    reads.push(performance.now() - started);
  }
  const readerMs = percentile(reads, 50);

  const byOverlay = new Map<string, Deployment[]>();
  for (const d of model.deployments) {
    if (!tree.has(`${d.path}/kustomization.yaml`)) continue;
    byOverlay.set(d.path, [...(byOverlay.get(d.path) ?? []), d]);
  }
  const overlays = [...byOverlay.keys()].sort();
  const chosen = sample(overlays, maxOverlays);
  log(`  reader: ${tree.size} files, ${overlays.length} overlays in ${readerMs.toFixed(0)} ms (median of 3, empty parse cache); rendering ${chosen.length} overlays with kubectl kustomize…`);

  const mismatches: string[] = [];
  let kubectlSampleMs = 0;
  for (const [i, overlay] of chosen.entries()) {
    const started = performance.now();
    let rendered: string[];
    try {
      rendered = await kubectlImages(path.join(dir, overlay));
    } catch (error) {
      kubectlSampleMs += performance.now() - started;
      mismatches.push(`${overlay}: kubectl kustomize failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      continue;
    }
    kubectlSampleMs += performance.now() - started;
    const read = readerImages(byOverlay.get(overlay) ?? []);
    if (JSON.stringify(read) !== JSON.stringify(rendered)) mismatches.push(`${overlay}: reader [${read.join(", ")}] vs kustomize [${rendered.join(", ")}]`);
    if ((i + 1) % 25 === 0) log(`  kubectl kustomize ${i + 1}/${chosen.length} (${(kubectlSampleMs / (i + 1)).toFixed(0)} ms each so far)`);
  }
  const extrapolated = chosen.length < overlays.length;
  const kubectlAllMs = chosen.length ? (kubectlSampleMs / chosen.length) * overlays.length : 0;
  return {
    files: tree.size,
    overlays: overlays.length,
    rendered: chosen.length,
    readerMs,
    kubectlSampleMs,
    kubectlAllMs,
    extrapolated,
    ratio: readerMs > 0 ? kubectlAllMs / readerMs : Number.POSITIVE_INFINITY,
    mismatches,
  };
}
