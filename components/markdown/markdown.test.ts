import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SafeMarkdown } from "./markdown";

const render = (source: string) => renderToStaticMarkup(createElement(SafeMarkdown, { source }));

describe("SafeMarkdown", () => {
  it("renders a promotion description: heading, table, code, list", () => {
    const html = render(["## Promote `checkout` from staging to production", "", "| | |", "|---|---|", "| App | checkout |", "", "- `apps/checkout/production/deployment.yaml` (updated)"].join("\n"));
    expect(html).toContain("<h3");
    expect(html).toContain("<table");
    expect(html).toContain("<td");
    expect(html).toContain("<code");
    expect(html).toContain("<li>");
    expect(html).not.toContain("|---|");
  });

  it("never lets raw HTML through, as elements or as event handlers", () => {
    const html = render('Hello <img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n<iframe src="https://evil.example"></iframe>\n\n<sub>Planned by Ferry.</sub>');
    expect(html).not.toMatch(/<img|<script|<iframe|<sub|onerror/i);
    expect(html).toContain("Planned by Ferry.");
  });

  it("drops dangerous link targets and shows images as their alt text", () => {
    const html = render("[click](javascript:alert(1)) [data](data:text/html,<b>x</b>) [ok](https://ferry.example/changes/1) ![tracking pixel](https://evil.example/p.gif)");
    expect(html).not.toMatch(/javascript:|data:text/i);
    expect(html).toContain('href="https://ferry.example/changes/1"');
    expect(html).not.toContain("evil.example");
    expect(html).toContain("tracking pixel");
  });
});
