import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { TemplateError } from "./errors";
import { renderTemplate } from "./render";
import { renderTemplateSet } from "./template-set";

const ctx = {
  name: "billing",
  displayName: "Billing: invoices & refunds #1",
  tag: "1.10",
  port: 8080,
  owners: ["dana", "alex@ferry.example"],
  environments: [
    { name: "dev", namespace: "billing-dev" },
    { name: "production", namespace: "billing-prod" },
  ],
};

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error("expected a TemplateError");
}

describe("substitution", () => {
  it("keeps safe values plain and quotes values YAML would misread", () => {
    const out = renderTemplate("name: {{ name }}\ndescription: {{ displayName }}\nnewTag: {{ tag }}\nport: {{ port }}\n", ctx, "t.yaml", "yaml");
    expect(out).toBe('name: billing\ndescription: "Billing: invoices & refunds #1"\nnewTag: "1.10"\nport: 8080\n');
    expect(parse(out)).toEqual({ name: "billing", description: "Billing: invoices & refunds #1", newTag: "1.10", port: 8080 });
  });
  it("allows safe values inside a larger scalar", () => {
    expect(renderTemplate("name: {{ name }}-tenant # x\n", ctx, "t.yaml", "yaml")).toBe("name: billing-tenant # x\n");
  });
  it("refuses a value that needs quoting inside a larger scalar, with file and line", () => {
    const e = errorOf(() => renderTemplate("a: 1\nname: team-{{ displayName }}\n", ctx, "tpl/x.yaml", "yaml"));
    expect(e.file).toBe("tpl/x.yaml");
    expect(e.line).toBe(2);
    expect(e.detail).toMatch(/needs YAML quoting/);
  });
  it("cannot inject YAML structure", () => {
    const hostile = { v: "x\nkind: Secret", w: "a: b", z: "&anchor" };
    const out = renderTemplate("v: {{ v }}\nw: {{ w }}\nz: {{ z }}\n", hostile, "t.yaml", "yaml");
    expect(parse(out)).toEqual(hostile);
  });
  it("text mode substitutes as is; path mode refuses unsafe characters", () => {
    expect(renderTemplate("# {{ displayName }}", ctx, "README.md", "text")).toBe("# Billing: invoices & refunds #1");
    expect(errorOf(() => renderTemplate("x/{{ displayName }}", ctx, "p", "path")).detail).toMatch(/cannot be part of a path/);
  });
  it("names unknown variables and what exists", () => {
    const e = errorOf(() => renderTemplate("a: 1\nb: 2\nc: {{ nmae }}\n", ctx, "f.yaml", "yaml"));
    expect(e.line).toBe(3);
    expect(e.detail).toMatch(/unknown variable "nmae".*available: displayName, environments, name, owners, port, tag/);
  });
  it("refuses expressions and unknown blocks", () => {
    expect(errorOf(() => renderTemplate("{{ name + 1 }}", ctx, "f", "text")).detail).toMatch(/not a variable/);
    expect(errorOf(() => renderTemplate("{{#with name}}{{/with}}", ctx, "f", "text")).detail).toMatch(/unknown block/);
    expect(errorOf(() => renderTemplate("x\n{{#each environments}}\n", ctx, "f", "text"))).toMatchObject({ line: 2, detail: expect.stringMatching(/never closed/) });
    expect(errorOf(() => renderTemplate("{{ name", ctx, "f", "text")).detail).toMatch(/unclosed/);
  });
  it("keeps an escaped {{ literally", () => {
    expect(renderTemplate('name: "\\{{.tenant.name}}"', ctx, "f.yaml", "yaml")).toBe('name: "{{.tenant.name}}"');
  });
});

describe("blocks", () => {
  it("loops with standalone tag lines removed", () => {
    const out = renderTemplate("ns:\n{{#each environments}}\n  - {{ env.namespace }}\n{{/each}}\nowners:\n{{#each owners}}\n  - {{ owner }}\n{{/each}}\n", ctx, "f.yaml", "yaml");
    expect(out).toBe("ns:\n  - billing-dev\n  - billing-prod\nowners:\n  - dana\n  - alex@ferry.example\n");
  });
  it("if/unless/else and @first", () => {
    const out = renderTemplate("{{#each environments}}\n{{#unless @first}}\n---\n{{/unless}}\nname: {{ env.name }}\n{{/each}}\n", ctx, "f.yaml", "yaml");
    expect(out).toBe("name: dev\n---\nname: production\n");
    expect(renderTemplate("{{#if owners}}yes{{else}}no{{/if}}", ctx, "f", "text")).toBe("yes");
  });
  it("each over a non-list is an error", () => {
    expect(errorOf(() => renderTemplate("{{#each name}}{{/each}}", ctx, "f", "text")).detail).toMatch(/is not a list/);
  });
});

describe("template sets", () => {
  it("renders a file per environment when its path uses env, and edits", () => {
    const set = renderTemplateSet(
      new Map([
        ["tenants/{{env.name}}/{{name}}.yaml", "ns: {{ env.namespace }}\n"],
        ["_edits.yaml", "edits:\n{{#each environments}}\n  - file: tenants/{{ env.name }}/kustomization.yaml\n    append: resources\n    item: {{ name }}\n{{/each}}\n"],
        ["_notes.md", "ignored"],
      ]),
      ctx,
      "tpl",
    );
    expect(set.files.map((f) => [f.path, f.content])).toEqual([
      ["tenants/dev/billing.yaml", "ns: billing-dev\n"],
      ["tenants/production/billing.yaml", "ns: billing-prod\n"],
    ]);
    expect(set.edits.map((e) => [e.file, e.append?.item])).toEqual([
      ["tenants/dev/kustomization.yaml", "billing"],
      ["tenants/production/kustomization.yaml", "billing"],
    ]);
  });
  it("a template rendering invalid YAML is reported with its file", () => {
    const e = errorOf(() => renderTemplateSet(new Map([["a.yaml", "a: [\n"]]), ctx, ".ferry/templates/tenant"));
    expect(e.file).toBe(".ferry/templates/tenant/a.yaml");
    expect(e.detail).toMatch(/invalid YAML/);
  });
  it("a malformed _edits.yaml is reported", () => {
    expect(errorOf(() => renderTemplateSet(new Map([["_edits.yaml", "edits:\n  - file: x\n"]]), ctx, "t")).detail).toMatch(/exactly one of/);
  });
});

describe("comments", () => {
  it("substitutes any one-line value inside a comment, never a line break", () => {
    expect(renderTemplate("# Team {{ displayName }} owns this\nx: 1 # {{ displayName }}\n", ctx, "f.yaml", "yaml")).toBe("# Team Billing: invoices & refunds #1 owns this\nx: 1 # Billing: invoices & refunds #1\n");
    expect(errorOf(() => renderTemplate("# {{ v }}\n", { v: "a\nkind: Secret" }, "f.yaml", "yaml")).detail).toMatch(/needs YAML quoting/);
  });
});
