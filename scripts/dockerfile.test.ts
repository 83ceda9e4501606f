import { readFileSync } from "node:fs";
import path from "node:path";
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { describe, expect, it } from "vitest";

// The production image's structure, checked without a container daemon (none runs in CI): a build
// stage and a runtime stage; the runtime stage holds the standalone server and git but no compiler or
// package manager install, runs as a non-root user, works on a read-only root filesystem, and can be
// probed. Parsed with dockerfile-ast (the parser behind the Dockerfile language server).

const root = path.resolve(import.meta.dirname, "..");
const text = readFileSync(path.join(root, "Dockerfile"), "utf8");
const dockerfile = DockerfileParser.parse(text);

interface Stage {
  name: string | undefined;
  image: string;
  instructions: Instruction[];
}

function stages(): Stage[] {
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const [name, value] = (arg.getArgumentsContent() ?? "").split("=");
    if (name && value) args.set(name.trim(), value.trim());
  }
  const out: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const from = dockerfile.getFROMs().find((f) => f.getRange().start.line === instruction.getRange().start.line)!;
      const image = (from.getImageName() ?? "").replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? "");
      out.push({ name: from.getBuildStage() ?? undefined, image: `${image}${from.getImageTag() ? `:${from.getImageTag()}` : ""}`, instructions: [] });
    } else {
      out.at(-1)?.instructions.push(instruction);
    }
  }
  return out;
}

const args = (i: Instruction) => i.getArgumentsContent() ?? "";
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);
const final = () => stages().at(-1)!;

describe("Dockerfile", () => {
  it("builds in one stage and runs from another, on a slim Node 20 base (no compilers come with it)", () => {
    const s = stages();
    expect(s.map((x) => x.name)).toEqual(["build", "runtime"]);
    // The full node image is buildpack-deps: gcc, make and python included. Slim has none of them.
    for (const stage of s) expect(stage.image).toMatch(/^node:20[\w.-]*-slim$/);
  });

  it("runs the standalone server from the runtime stage with tini, as a non-root user", () => {
    const runtime = final();
    const users = all(runtime, "USER").map(args);
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.split(":").map(Number);
    expect(uid).toBeGreaterThanOrEqual(1000);
    expect(gid).toBeGreaterThanOrEqual(1000);
    // The USER comes after every RUN, so nothing in the image runs as root once it starts.
    const userLine = all(runtime, "USER")[0]!.getRange().start.line;
    expect(all(runtime, "RUN").every((r) => r.getRange().start.line < userLine)).toBe(true);
    expect(all(runtime, "ENTRYPOINT").map(args)).toEqual(['["/usr/bin/tini", "--"]']);
    expect(all(runtime, "CMD").map(args)).toEqual(['["node", "server.js"]']);
  });

  it("copies only build output into the runtime stage: the standalone server, static assets, migrations, the prepare step", () => {
    const copies = all(final(), "COPY").map(args);
    expect(copies).toEqual([
      "/src/.next/standalone ./",
      "/src/.next/static ./.next/static",
      "/src/public ./public",
      "/src/prisma/migrations ./prisma/migrations",
      "/src/dist/prepare-database.mjs ./dist/prepare-database.mjs",
    ]);
    expect(all(final(), "COPY").every((c) => c.getTextContent().includes("--from=build"))).toBe(true);
    const build = stages()[0]!;
    expect(all(build, "ENV").map(args).join(" ")).toMatch(/FERRY_STANDALONE=1/);
    expect(all(build, "RUN").map(args).join(" ")).toMatch(/npx next build && node scripts\/build-prepare-database\.mjs/);
  });

  it("installs git but no build tools or dependencies in the runtime stage", () => {
    const runs = all(final(), "RUN").map(args).join(" ");
    const installed = [...runs.matchAll(/apt-get install ([^&]+)/g)].flatMap((m) => m[1]!.split(/\s+/)).filter((w) => w && !w.startsWith("-"));
    expect(installed).toContain("git");
    for (const tool of ["gcc", "g++", "make", "build-essential", "python3", "clang", "cmake", "libc6-dev"]) expect(installed).not.toContain(tool);
    expect(runs).not.toMatch(/\bnpm (ci|install|i)\b|\byarn\b|\bpnpm\b/);
    expect(runs).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
  });

  it("works on a read-only root filesystem: the only writable paths are declared volumes", () => {
    const runtime = final();
    const env = Object.fromEntries(
      all(runtime, "ENV")
        .flatMap((e) => args(e).split(/\s+/))
        .map((pair) => pair.split("=") as [string, string]),
    );
    expect(env).toMatchObject({ NODE_ENV: "production", HOSTNAME: "0.0.0.0", PORT: "3000", FERRY_DATA_DIR: "/var/lib/ferry", HOME: "/tmp" });
    const volumes = JSON.parse(all(runtime, "VOLUME").map(args)[0] ?? "[]") as string[];
    expect(volumes.sort()).toEqual(["/tmp", "/var/lib/ferry"]);
    // Next.js's runtime cache goes to /tmp instead of the (read-only) application directory.
    expect(all(runtime, "RUN").map(args).join(" ")).toContain("ln -s /tmp/next-cache /app/.next/cache");
  });

  it("can be probed: a HEALTHCHECK on /api/health/live", () => {
    const checks = all(final(), "HEALTHCHECK");
    expect(checks).toHaveLength(1);
    expect(args(checks[0]!)).toContain("/api/health/live");
    expect(all(final(), "EXPOSE").map(args)).toEqual(["3000"]);
  });

  it("takes the server-actions key as a build secret, never as a build argument (which stays in the image history)", () => {
    expect(dockerfile.getInstructions().filter((i) => i.getKeyword() === "ARG").map(args)).toEqual(["NODE_IMAGE=node:20-bookworm-slim"]);
    const build = all(stages()[0]!, "RUN").find((r) => args(r).includes("next build"))!;
    expect(build.getTextContent()).toContain("--mount=type=secret,id=next_server_actions_key");
  });

  it("keeps the build context small and free of secrets and local state", () => {
    const ignored = readFileSync(path.join(root, ".dockerignore"), "utf8").split("\n").map((l) => l.trim());
    for (const entry of [".git", "node_modules", ".next", ".data", ".env", ".env.*", "dist"]) expect(ignored).toContain(entry);
  });
});
