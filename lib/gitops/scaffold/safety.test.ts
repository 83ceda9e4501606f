import { describe, expect, it } from "vitest";
import { readRepository } from "../read";
import { planApp, planTenant, type AppRequest, type ScaffoldPlan, type TenantRequest } from ".";
import { demoTree } from "./testing/demo-tree";

const TENANT: TenantRequest = {
  name: "billing",
  displayName: "Billing",
  owners: ["dana"],
  environments: [{ name: "dev", cluster: "https://kubernetes.default.svc", namespace: "billing-dev" }],
  apps: { repository: "payments-gitops", path: "billing" },
};

function tenant(tree: Map<string, string>, request: Partial<TenantRequest> = {}, symlinks?: Set<string>): ScaffoldPlan {
  return planTenant({ repository: "platform", tree, model: readRepository(tree), request: { ...TENANT, ...request }, platformRepoURL: "https://p.example/platform.git", platformBranch: "main", appsRepoURL: "https://p.example/apps.git", appsBranch: "main", symlinks });
}

const APP: AppRequest = { name: "refunds", team: "payments", image: "ghcr.io/acme/refunds", tag: "1.0", port: 8080, environments: ["dev"] };
function app(tree: Map<string, string>, request: Partial<AppRequest> = {}): ScaffoldPlan {
  return planApp({ repository: "payments-gitops", tree, model: readRepository(tree), request: { ...APP, ...request }, repoURL: "https://p.example/payments-gitops.git", branch: "main" });
}

describe("existing tenants and apps", () => {
  it("refuses an existing tenant and says where it is", () => {
    const plan = tenant(demoTree("platform"), { name: "payments" });
    expect(plan).toMatchObject({ status: "refused", location: { repository: "platform", path: "tenants/payments/" }, fieldErrors: { name: expect.stringMatching(/already exists/) } });
  });
  it("refuses an existing app with a link to its page", () => {
    expect(app(demoTree("payments-gitops"), { name: "checkout" })).toMatchObject({ status: "refused", location: { href: "/apps/payments-gitops/checkout", path: "apps/checkout" } });
  });
  it("refuses when a file the templates would write is already there with other content", () => {
    const tree = demoTree("platform");
    tree.set("argocd/projects/billing.yaml", "kind: AppProject\n");
    expect(tenant(tree)).toMatchObject({ status: "refused", location: { path: "argocd/projects/billing.yaml" } });
  });
});

describe("hostile input never reaches a path or a file", () => {
  it.each([
    ["name", { name: "../x" }],
    ["name", { name: "kube-system" }],
    ["displayName", { displayName: "a\nkind: Secret" }],
    ["owners.0", { owners: ["x: y"] }],
    ["environments.0.namespace", { environments: [{ name: "dev", cluster: "https://kubernetes.default.svc", namespace: "a/b" }] }],
    ["environments.0.cluster", { environments: [{ name: "dev", cluster: "file:///etc", namespace: "ok" }] }],
    ["apps.path", { apps: { repository: "payments-gitops", path: "../../etc" } }],
  ] as const)("%s", (field, request) => {
    const plan = tenant(demoTree("platform"), request as Partial<TenantRequest>);
    expect(plan.status).toBe("refused");
    if (plan.status === "refused") expect(Object.keys(plan.fieldErrors ?? {})).toContain(field);
  });

  it("app fields are checked per field", () => {
    const plan = app(demoTree("payments-gitops"), { name: "Refunds", image: "x:1", tag: "-", port: 70000, environments: [] });
    expect(plan.status === "refused" && Object.keys(plan.fieldErrors ?? {}).sort()).toEqual(["environments", "image", "name", "port", "tag"]);
  });

  it("refuses writing under a symbolic link", () => {
    const plan = tenant(demoTree("platform"), {}, new Set(["tenants"]));
    expect(plan).toMatchObject({ status: "refused", reason: expect.stringMatching(/under "tenants", which is a symbolic link/) });
  });

  it("refuses repository templates that write outside the repository", () => {
    for (const path of ["../outside.yaml", "a/../../b.yaml", ".git/hooks/post-checkout"]) {
      const tree = demoTree("platform");
      tree.set(`.ferry/templates/tenant/${path}`, "a: 1\n");
      const plan = tenant(tree);
      expect(plan, path).toMatchObject({ status: "refused", reason: expect.stringMatching(/inside the repository|points into \.git/) });
    }
    const tree = demoTree("platform");
    tree.set(".ferry/templates/tenant/_edits.yaml", "edits:\n  - file: /etc/passwd\n    appendDocument: 'a: 1'\n");
    expect(tenant(tree)).toMatchObject({ status: "refused", reason: expect.stringMatching(/absolute/) });
  });
});

describe("repository templates", () => {
  it("override the preset", () => {
    const tree = demoTree("platform");
    tree.set(".ferry/templates/tenant/teams/{{name}}.yaml", "# {{ displayName }}\nname: {{ name }}\nowners:\n{{#each owners}}\n  - {{ owner }}\n{{/each}}\n");
    const plan = tenant(tree);
    expect(plan).toMatchObject({ status: "changes", templates: { origin: "repository", label: ".ferry/templates/tenant" } });
    if (plan.status === "changes") {
      expect(plan.changeSet.edits).toEqual([{ path: "teams/billing.yaml", action: "create", previous: null, content: "# Billing\nname: billing\nowners:\n  - dana\n" }]);
      expect(plan.changeSet.body).toContain(".ferry/templates/tenant/");
    }
  });
  it("a template error names the file and line", () => {
    const tree = demoTree("platform");
    tree.set(".ferry/templates/tenant/x.yaml", "a: 1\nb: {{ nmae }}\n");
    expect(tenant(tree)).toMatchObject({ status: "refused", templateError: { file: ".ferry/templates/tenant/x.yaml", line: 2 }, reason: expect.stringMatching(/x\.yaml, line 2: unknown variable "nmae"/) });
  });
  it("the form's explicit preset wins over the repository's templates", () => {
    const tree = demoTree("platform");
    tree.set(".ferry/templates/tenant/x.yaml", "a: {{ name }}\n");
    expect(tenant(tree, { preset: "argocd" })).toMatchObject({ status: "changes", templates: { origin: "preset" } });
  });
});

describe("idempotence", () => {
  it("planning again on a tree that already has the change refuses as existing (the open change request is updated by openChange, not here)", () => {
    const tree = demoTree("platform");
    const first = tenant(tree);
    if (first.status !== "changes") throw new Error(first.reason);
    const merged = new Map([...tree, ...first.changeSet.edits.map((e) => [e.path, e.content ?? ""] as const)]);
    expect(tenant(merged)).toMatchObject({ status: "refused", location: { path: "tenants/billing/" } });
  });
  it("the same request plans the same change set", () => {
    const a = tenant(demoTree("platform"));
    const b = tenant(demoTree("platform"));
    expect(a).toEqual(b);
  });
});
