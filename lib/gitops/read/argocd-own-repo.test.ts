import { describe, expect, it } from "vitest";
import { parseYamlDocuments } from "../yaml";
import { evaluateGenerators, type GeneratorTree } from "./argocd-generators";
import { repoUrlKey } from "../repo-url";
import { ownRepoUrls } from "./argocd-own-repo";
import { readRepository } from "./index";
import type { DocsByKind } from "./documents";

const DIRS = new Set(["apps", "apps/web", "apps/api", "platform", "platform/ingress"]);

function kindsOf(files: Record<string, string>): DocsByKind {
  const kinds: DocsByKind = new Map();
  for (const [file, text] of Object.entries(files)) {
    parseYamlDocuments(text).documents.forEach((d, doc) => {
      const value = d.value as Record<string, unknown>;
      const kind = String(value.kind);
      kinds.set(kind, [...(kinds.get(kind) ?? []), { file, doc, value }]);
    });
  }
  return kinds;
}

const app = (name: string, url: string, path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\nspec:\n  source:\n    repoURL: ${url}\n    path: ${path}\n  destination:\n    namespace: ${name}\n`;

describe("the URLs this repository is known by", () => {
  it("compares the spellings Argo CD accepts for one repository", () => {
    const key = repoUrlKey("https://git.example.com/acme/deploy.git");
    for (const u of ["git@git.example.com:acme/deploy.git", "ssh://git@git.example.com:22/acme/deploy", "HTTPS://git.example.com/Acme/Deploy/"]) expect(repoUrlKey(u)).toBe(key);
    expect(repoUrlKey("https://git.example.com/acme/other.git")).not.toBe(key);
  });

  it("is the URL given, and the one most Applications deploy this repository's folders from", () => {
    const kinds = kindsOf({
      "a.yaml": app("web", "https://git.example.com/upstream/deploy.git", "apps/web"),
      "b.yaml": app("api", "git@git.example.com:upstream/deploy.git", "apps/api"),
      "c.yaml": app("mon", "https://git.example.com/acme/monitoring.git", "manifests"),
    });
    const isDir = (d: string) => DIRS.has(d);
    expect(ownRepoUrls(kinds, isDir)).toEqual(["git.example.com/upstream/deploy"]);
    // A fork read from its own URL keeps its upstream's URL in every Application: both are this repository.
    expect(ownRepoUrls(kinds, isDir, "https://git.example.com/fork/deploy")).toEqual(["git.example.com/fork/deploy", "git.example.com/upstream/deploy"]);
  });

  it("is unknown when no Application deploys a folder of this repository, or two URLs tie", () => {
    const isDir = (d: string) => DIRS.has(d);
    expect(ownRepoUrls(kindsOf({ "c.yaml": app("mon", "https://git.example.com/acme/monitoring.git", "manifests") }), isDir)).toBeUndefined();
    const tie = kindsOf({ "a.yaml": app("web", "https://git.example.com/a/deploy.git", "apps/web"), "b.yaml": app("api", "https://git.example.com/b/deploy.git", "apps/api") });
    expect(ownRepoUrls(tie, isDir)).toBeUndefined();
  });
});

describe("a git generator naming another repository", () => {
  const tree = (own?: string[]): GeneratorTree => ({
    dirs: () => ["", ...DIRS].sort(),
    files: () => [],
    load: () => undefined,
    ...(own ? { ownRepoUrls: () => own } : {}),
  });
  const spec = (url: string) => ({ generators: [{ git: { repoURL: url, revision: "main", directories: [{ path: "apps/*" }] } }], template: { metadata: { name: "{{path.basename}}" } } });

  it("is not expanded over this repository's folders of the same name", () => {
    const own = [repoUrlKey("https://git.example.com/acme/deploy.git")];
    const other = evaluateGenerators(spec("https://git.example.com/tenant/apps.git"), tree(own));
    expect(other.results).toEqual([]);
    expect(other.notes).toEqual(["git generator not evaluated: it reads https://git.example.com/tenant/apps.git, another repository than this one"]);
    expect(other.rejected).toEqual([]);
    const mine = evaluateGenerators(spec("git@git.example.com:acme/deploy.git"), tree(own));
    expect(mine.results.flatMap((r) => r.params).map((p) => p.path)).toEqual(["apps/api", "apps/web"]);
  });

  it("is expanded as before when nothing tells which repository this is", () => {
    const run = evaluateGenerators(spec("https://git.example.com/tenant/apps.git"), tree());
    expect(run.results.flatMap((r) => r.params).map((p) => p.path)).toEqual(["apps/api", "apps/web"]);
  });
});

describe("reading a repository whose ApplicationSets read another repository too", () => {
  const appSet = (name: string, url: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: ${name}\nspec:\n  generators:\n    - git:\n        repoURL: ${url}\n        revision: HEAD\n        directories:\n          - path: apps/*\n  template:\n    metadata:\n      name: "${name}-{{path.basename}}"\n    spec:\n      project: default\n      source:\n        repoURL: ${url}\n        targetRevision: HEAD\n        path: "{{path}}"\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: "{{path.basename}}"\n`;
  const files = {
    "sets/own.yaml": appSet("own", "https://git.example.com/acme/deploy.git"),
    "sets/tenant.yaml": appSet("tenant", "https://git.example.com/tenant/manifests.git"),
    "apps/web/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n",
  };
  const apps = (repositoryUrl?: string) => [...new Set(readRepository(new Map(Object.entries(files)), { repositoryUrl }).deployments.map((d) => d.app))].sort();

  it("expands only the generator that names this repository, once its URL is known", () => {
    expect(apps("git@git.example.com:acme/deploy.git")).toEqual(["web"]);
  });

  it("cannot tell the two apart without the URL (both name a folder of the same name), and reads both as before", () => {
    expect(apps()).toEqual(["own-web", "tenant-web"]);
  });
});
