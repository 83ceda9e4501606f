import { describe, expect, it } from "vitest";
import { checkAppName, checkCluster, checkFolder, checkImage, checkLabel, checkOwner, checkTag, checkTenantName, labelFrom } from "./names";

// Each hostile name must be refused with the message that names ITS problem: the pattern is
// specific to the case (a generic "invalid name" would fail most rows).
const HOSTILE: [string, string, RegExp][] = [
  ["empty", "", /is required/],
  ["uppercase", "Payments", /must be lowercase: use "payments"/],
  ["all caps", "PAYMENTS", /must be lowercase/],
  ["64 characters", "a".repeat(64), /is 64 characters long; at most 63/],
  ["100 characters", "b".repeat(100), /is 100 characters long/],
  ["parent traversal", "../x", /must not contain "\/"/],
  ["deep traversal", "../../etc/passwd", /must not contain "\/"/],
  ["slash", "a/b", /must not contain "\/": it is one folder name/],
  ["leading slash", "/etc", /must not contain "\/"/],
  ["backslash", "a\\b", /must not contain "\\": it is a path separator on Windows/],
  ["dot", ".", /cannot be "\.": it names a folder/],
  ["dot dot", "..", /cannot be "\.\.": it names a folder/],
  ["double dot inside", "a..b", /must not contain "\.\."/],
  ["single dot inside", "a.b", /must not contain "\." \(a DNS label has no dots\)/],
  ["cyrillic a", "p\u0430yments", /"а" \(U\+0430\).*not a plain ASCII letter/],
  ["cyrillic o", "ledger-pr\u043Ed", /U\+043E/],
  ["greek omicron", "t\u03BFols", /U\+03BF/],
  ["fullwidth", "ｐay", /U\+FF50/],
  ["zero width space", "pay\u200Bments", /U\+200B/],
  ["emoji", "team-\u{1F680}", /U\+1F680/],
  ["space inside", "my team", /must not contain spaces/],
  ["leading space", " team", /must not contain spaces/],
  ["trailing space", "team ", /must not contain spaces/],
  ["tab", "team\tx", /control characters/],
  ["leading dash", "-team", /must start with a letter or digit, not "-"/],
  ["trailing dash", "team-", /must end with a letter or digit, not "-"/],
  ["underscore", "my_team", /must not contain "_".*use "-", e\.g\. "my-team"/],
  ["colon", "a:b", /must not contain ":": it separates YAML keys/],
  ["hash", "a#b", /must not contain "#": it starts a YAML comment/],
  ["open brace", "a{b", /"\{": it opens a YAML flow mapping/],
  ["close brace", "a}b", /"\}": it closes a YAML flow mapping/],
  ["open bracket", "[a", /"\[": it opens a YAML flow sequence/],
  ["close bracket", "a]", /"\]": it closes a YAML flow sequence/],
  ["ampersand", "a&b", /"&": it defines a YAML anchor/],
  ["star", "*a", /"\*": it references a YAML alias/],
  ["bang", "!a", /"!": it starts a YAML tag/],
  ["pipe", "a|b", /"\|": it starts a YAML literal block/],
  ["greater than", "a>b", /">": it starts a YAML folded block/],
  ["single quote", "a'b", /"'": it quotes a YAML string/],
  ["double quote", 'a"b', /"\\?"": it quotes a YAML string|""": it quotes/],
  ["percent", "%a", /"%": it starts a YAML directive/],
  ["at", "a@b", /"@": it is reserved in YAML/],
  ["backtick", "a`b", /"`": it is reserved in YAML and shells/],
  ["dollar", "${x}", /"\$": it starts a Flux\/shell variable/],
  ["comma", "a,b", /",": it separates YAML flow items/],
  ["NUL", "a\u0000b", /must not contain a NUL character/],
  ["newline", "a\nb", /must be one line: it contains a line break/],
  ["carriage return", "a\rb", /line break/],
  ["unicode line separator", "a\u2028b", /line break/],
  ["reserved default", "default", /cannot be "default": the name is reserved/],
  ["reserved kube-system", "kube-system", /cannot be "kube-system": the name is reserved/],
  ["reserved kube-public", "kube-public", /"kube-public": the name is reserved/],
  ["reserved kube-node-lease", "kube-node-lease", /"kube-node-lease": the name is reserved/],
  ["reserved flux-system", "flux-system", /"flux-system": the name is reserved/],
  ["reserved argocd", "argocd", /"argocd": the name is reserved/],
  ["question mark", "a?", /"\?": it starts a YAML complex key/],
  ["tilde", "~", /"~": it means null in YAML/],
];

describe("checkTenantName refuses hostile names, each with its own message", () => {
  it("has more than 40 cases", () => expect(HOSTILE.length).toBeGreaterThan(40));
  it.each(HOSTILE)("%s", (_label, raw, message) => {
    const result = checkTenantName(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(/^Tenant name /);
      expect(result.message).toMatch(message);
    }
  });
  it("gives many different messages, not one generic one", () => {
    const messages = new Set(HOSTILE.map(([, raw]) => { const r = checkTenantName(raw); return r.ok ? "" : r.message; }));
    expect(messages.size).toBeGreaterThan(40);
  });
});

describe("valid names", () => {
  it.each(["payments", "a", "team-1", "1team", "a".repeat(63), "x-y-z"])("accepts %j", (raw) => {
    expect(checkTenantName(raw)).toEqual({ ok: true, value: raw });
  });
  it("app names must start with a letter (Service names)", () => {
    expect(checkAppName("1api")).toMatchObject({ ok: false, message: expect.stringMatching(/must start with a letter/) });
    expect(checkAppName("api-1").ok).toBe(true);
  });
});

describe("other fields", () => {
  it("images", () => {
    expect(checkImage("ghcr.io/acme/checkout").ok).toBe(true);
    expect(checkImage("localhost:5000/app").ok).toBe(true);
    expect(checkImage("ghcr.io/acme/checkout:1.0")).toMatchObject({ ok: false, message: expect.stringMatching(/must not contain a tag/) });
    expect(checkImage("Ghcr.io/Acme/X")).toMatchObject({ ok: false });
    expect(checkImage("a b")).toMatchObject({ ok: false });
  });
  it("tags", () => {
    expect(checkTag("1.2.3").ok).toBe(true);
    expect(checkTag("-x").ok).toBe(false);
    expect(checkTag("1.0\n").ok).toBe(false);
  });
  it("owners", () => {
    expect(checkOwner("dana").ok).toBe(true);
    expect(checkOwner("dana@ferry.example").ok).toBe(true);
    expect(checkOwner("dana: x").ok).toBe(false);
  });
  it("clusters", () => {
    expect(checkCluster("https://kubernetes.default.svc").ok).toBe(true);
    expect(checkCluster("prod-eu").ok).toBe(true);
    expect(checkCluster("http://x").ok).toBe(false);
  });
  it("folders stay inside the repository", () => {
    expect(checkFolder("apps/billing")).toEqual({ ok: true, value: "apps/billing" });
    expect(checkFolder("../x")).toMatchObject({ ok: false, message: expect.stringMatching(/".."/) });
    expect(checkFolder("/abs")).toMatchObject({ ok: false, message: expect.stringMatching(/relative/) });
    expect(checkFolder("a/.git/hooks")).toMatchObject({ ok: false, message: expect.stringMatching(/\.git/) });
    expect(checkFolder("a//b")).toMatchObject({ ok: false });
  });
});

describe("a label made from a repository or folder name", () => {
  it("lowercases and turns each run of other characters into one dash", () => {
    expect(labelFrom("Payments.GitOps")).toBe("payments-gitops");
    expect(labelFrom("acme__shop_api")).toBe("acme-shop-api");
    expect(labelFrom("shop-api")).toBe("shop-api");
  });

  it("is a valid DNS-1123 label however long or odd the input, or nothing", () => {
    for (const raw of ["-Edge-", "x".repeat(70), `${"a".repeat(62)}_b`, "日本", "__", ""]) {
      const label = labelFrom(raw);
      if (label !== undefined) expect(checkLabel(label, { label: "App name", reserved: false })).toMatchObject({ ok: true });
    }
    expect(labelFrom(`${"a".repeat(62)}_b`)).toBe("a".repeat(62));
    expect(labelFrom("日本")).toBeUndefined();
    expect(labelFrom("")).toBeUndefined();
  });
});
