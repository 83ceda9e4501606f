// `npm run image`: builds the production image (Dockerfile) with docker or podman, whichever is
// installed, tagged ferry:<package.json version> (and ferry:latest). Extra arguments go to the build,
// e.g. `npm run image -- --platform linux/amd64`. FERRY_IMAGE overrides the tag.
//
// NEXT_SERVER_ACTIONS_ENCRYPTION_KEY, when set, is handed to the build as a secret (never a build
// argument, which would stay in the image history): replicas of different builds then accept each
// other's server actions during a rolling update.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));

const runs = (tool, args) => spawnSync(tool, args, { stdio: "ignore", timeout: 20_000 }).status === 0;
const candidates = process.env.FERRY_IMAGE_BUILDER ? [process.env.FERRY_IMAGE_BUILDER] : ["docker", "podman"];
const installed = candidates.filter((tool) => runs(tool, ["--version"]));
// `info` needs the daemon (docker) or a usable storage (podman): a CLI alone cannot build.
const builder = installed.find((tool) => runs(tool, ["info"]));
if (!builder) {
  console.error(
    installed.length
      ? `ferry: ${installed.join(" and ")} ${installed.length > 1 ? "are" : "is"} installed but cannot build here (\`${installed[0]} info\` fails: no daemon or no storage); start it, or build the Dockerfile elsewhere (buildah, kaniko, CI)`
      : "ferry: neither docker nor podman is installed here: install one of them (or build the Dockerfile with another builder, e.g. buildah or kaniko) and run npm run image again",
  );
  process.exit(1);
}

const tag = process.env.FERRY_IMAGE || `ferry:${version}`;
const args = ["build", "-t", tag, "-t", `${tag.replace(/:[^:/]*$/, "")}:latest`, "-f", path.join(root, "Dockerfile")];
let secretDir;
const key = process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY;
if (key) {
  const bytes = Buffer.from(key, "base64").length;
  if (![16, 24, 32].includes(bytes)) {
    console.error(`ferry: NEXT_SERVER_ACTIONS_ENCRYPTION_KEY must be base64 of 16, 24 or 32 bytes (it decodes to ${bytes}); make one with: openssl rand -base64 32`);
    process.exit(1);
  }
  secretDir = mkdtempSync(path.join(tmpdir(), "ferry-image-"));
  const file = path.join(secretDir, "key");
  writeFileSync(file, key, { mode: 0o600 });
  args.push("--secret", `id=next_server_actions_key,src=${file}`);
} else {
  console.log("ferry: NEXT_SERVER_ACTIONS_ENCRYPTION_KEY is not set: this build gets its own random server-actions key (fine for one build; set it so two builds can serve side by side)");
}
args.push(...process.argv.slice(2), root);

console.log(`ferry: ${builder} ${args.map((a) => (a.includes(" ") ? JSON.stringify(a) : a)).join(" ")}`);
const result = spawnSync(builder, args, { stdio: "inherit", env: { ...process.env, DOCKER_BUILDKIT: "1" } });
if (secretDir) rmSync(secretDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
