// Which files are not manifests and must not be parsed as such. Each rule says why, for the notes.

export const MAX_FILE_CHARS = 2 * 1024 * 1024;

const APPLICATIONSET_KIND = /^\s*kind:\s*["']?ApplicationSet\b/m;

export type SkipDecision = { skip: false } | { skip: true; reason: string; silent: boolean };

/**
 * `inChartTemplates` marks files under a Helm chart's `templates/`: Go templates by design, skipped silently.
 * Argo CD ApplicationSets use `{{ }}` for their own templating and must still be read.
 */
export function skipDecision(path: string, content: string, inChartTemplates: boolean): SkipDecision {
  if (content.length > MAX_FILE_CHARS) return { skip: true, reason: "larger than 2 MB, not read", silent: false };
  if (inChartTemplates) return { skip: true, reason: "Helm chart template", silent: true };
  if (/\.ftl\.ya?ml$/.test(path)) return { skip: true, reason: "FreeMarker template (*.ftl.yaml), not a manifest", silent: false };
  if (content.includes("<#")) return { skip: true, reason: "FreeMarker template (<#…>), not a manifest", silent: false };
  if (content.includes("{{") && !APPLICATIONSET_KIND.test(content) && hasTemplateSyntaxOutsideValues(content)) {
    return { skip: true, reason: "template ({{ }} outside a Helm chart's templates/), not a manifest", silent: false };
  }
  return { skip: false };
}

/**
 * True when `{{` appears where YAML structure is (a key, a bare value, a line of its own) rather
 * than inside a quoted string, a block scalar or the middle of a plain scalar: `messageTemplate: '{{range .Updated.Images}}…'`
 * in a Flux ImageUpdateAutomation is data, `name: {{ .Values.name }}` is a Helm template.
 */
export function hasTemplateSyntaxOutsideValues(content: string): boolean {
  let blockIndent = -1;
  for (const raw of content.split(/\r?\n/)) {
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (blockIndent >= 0) {
      if (line === "" || indent > blockIndent) continue;
      blockIndent = -1;
    }
    if (line.startsWith("#")) continue;
    const unquoted = line.replace(/'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"/g, "''");
    // `{{` where a key, a value or a list item begins is template structure; inside a plain scalar
    // (`git-branch: image-updater-{{.SHA256}}`, `existingClaim: data-{{ .Release.Name }}`) it is data
    // for a controller that templates it later, and the manifest is valid YAML.
    if (/(?:^|^[-?]\s+|:\s+|[[{,]\s*)\{\{/.test(unquoted)) return true;
    if (/:\s*[|>][-+0-9]*\s*(#.*)?$/.test(unquoted) || /^-\s*[|>][-+0-9]*\s*$/.test(unquoted)) blockIndent = indent;
  }
  return false;
}
