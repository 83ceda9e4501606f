import { describe, expect, it } from "vitest";
import { diffRendered, ManifestParseError, MASK, MASK_CHANGED, maskSecret, parseRendered } from "./manifests";

function first<T>(xs: T[]): T {
  const x = xs[0];
  if (x === undefined) throw new Error("nothing parsed");
  return x;
}

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${image}
`;
const service = `apiVersion: v1
kind: Service
metadata:
  name: checkout
  namespace: shop
spec:
  ports:
    - port: 80
`;
const secret = (password: string, extra = "") => `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
data:
  password: ${password}
  user: YWRtaW4=
${extra}`;

describe("parseRendered", () => {
  it("reads every object of a multi-document stream with its kind/namespace/name", () => {
    const rs = parseRendered(`${deployment("shop/checkout:1.0.0")}---\n${service}---\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n`);
    expect(rs.map((r) => r.key)).toEqual(["Deployment/shop/checkout", "Service/shop/checkout", "Namespace/shop"]);
    expect(rs[2]?.namespace).toBeNull();
  });

  it("flattens a List into its items", () => {
    const rs = parseRendered(`apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n`);
    expect(rs.map((r) => r.key)).toEqual(["ConfigMap/a", "ConfigMap/b"]);
  });

  it("refuses output that does not parse, naming the document", () => {
    expect(() => parseRendered(`${service}---\nkind: [unclosed\n`)).toThrow(ManifestParseError);
    expect(() => parseRendered(`${service}---\nkind: [unclosed\n`)).toThrow(/document 2/);
  });

  it("refuses a document that is not an object", () => {
    expect(() => parseRendered("- a\n- b\n")).toThrow(/not an object/);
  });
});

describe("maskSecret", () => {
  it("hides every data and stringData value of a Secret, keeping the keys", () => {
    const s = first(parseRendered(secret("c2VjcmV0", "stringData:\n  token: plain-token\n")));
    const masked = maskSecret(s.object);
    expect(masked.data).toEqual({ password: MASK, user: MASK });
    expect(masked.stringData).toEqual({ token: MASK });
    expect(JSON.stringify(masked)).not.toMatch(/c2VjcmV0|YWRtaW4=|plain-token/);
    // The input is not changed: the raw object is still needed to tell whether a value changed.
    expect((s.object.data as Record<string, string>).password).toBe("c2VjcmV0");
  });

  it("hides the last-applied annotation, which copies the values", () => {
    const s = first(parseRendered(secret("c2VjcmV0").replace("  namespace: shop\n", `  namespace: shop\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"c2VjcmV0"}}'\n    team: payments\n`)));
    const masked = maskSecret(s.object) as { metadata: { annotations: Record<string, string> } };
    expect(masked.metadata.annotations).toEqual({ "kubectl.kubernetes.io/last-applied-configuration": MASK, team: "payments" });
  });

  it("marks a key whose value differs on the other side, differently on each side", () => {
    const before = first(parseRendered(secret("b2xk")));
    const after = first(parseRendered(secret("bmV3")));
    expect(maskSecret(before.object, after.object, "before").data).toEqual({ password: MASK_CHANGED.before, user: MASK });
    expect(maskSecret(after.object, before.object, "after").data).toEqual({ password: MASK_CHANGED.after, user: MASK });
  });

  it("leaves other kinds alone, also a ConfigMap with data", () => {
    const cm = first(parseRendered("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  key: visible\n"));
    expect(maskSecret(cm.object)).toEqual(cm.object);
  });
});

describe("diffRendered", () => {
  it("shows the changed image line of the one changed resource and counts the rest", () => {
    const before = parseRendered(`${deployment("shop/checkout:1.0.0")}---\n${service}`);
    const after = parseRendered(`${deployment("shop/checkout:1.1.0")}---\n${service}`);
    const d = diffRendered(before, after);
    expect(d.unchanged).toBe(1);
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]).toMatchObject({ key: "Deployment/shop/checkout", status: "changed" });
    expect(d.changed[0]?.patch).toContain("-          image: shop/checkout:1.0.0");
    expect(d.changed[0]?.patch).toContain("+          image: shop/checkout:1.1.0");
    expect(d.changed[0]?.patch).toContain("--- a/Deployment/shop/checkout");
  });

  it("lists added and removed resources", () => {
    const d = diffRendered(parseRendered(service), parseRendered(deployment("x:1")));
    expect(d.changed.map((c) => [c.key, c.status])).toEqual([
      ["Deployment/shop/checkout", "added"],
      ["Service/shop/checkout", "removed"],
    ]);
    expect(d.changed[0]?.patch).toContain("+++ b/Deployment/shop/checkout");
    expect(d.changed[0]?.patch).toContain("--- /dev/null");
  });

  it("shows that a Secret key changed without either value", () => {
    const d = diffRendered(parseRendered(secret("b2xkLXZhbHVl")), parseRendered(secret("bmV3LXZhbHVl", "  apiKey: a2V5\n")));
    expect(d.changed).toHaveLength(1);
    const patch = d.changed[0]?.patch;
    expect(patch).toContain(`-  password: ${MASK_CHANGED.before}`);
    expect(patch).toContain(`+  password: ${MASK_CHANGED.after}`);
    expect(patch).toContain(`+  apiKey: ${MASK}`);
    expect(patch).not.toMatch(/b2xkLXZhbHVl|bmV3LXZhbHVl|a2V5|YWRtaW4=/);
  });

  it("masks a Secret that only appears on one side", () => {
    const d = diffRendered([], parseRendered(secret("c2VjcmV0")));
    expect(d.changed[0]?.status).toBe("added");
    expect(d.changed[0]?.patch).not.toContain("c2VjcmV0");
    expect(d.changed[0]?.patch).toContain(`+  password: ${MASK}`);
  });

  it("reports nothing changed for identical renderings", () => {
    const text = `${deployment("a:1")}---\n${secret("c2VjcmV0")}`;
    expect(diffRendered(parseRendered(text), parseRendered(text))).toEqual({ changed: [], unchanged: 2 });
  });
});
