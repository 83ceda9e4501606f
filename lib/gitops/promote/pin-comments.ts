import { parseForEdit, type EditPath } from "../edit";
import { nodeAt } from "../edit/locate";

/**
 * Keep comments about a digest pin true after an edit. The edits splice text, so every comment survives
 * them; a comment on or just above the edited field that speaks of the digest (`# pinned by digest`,
 * `# sha256:abc… = 1.2.3`) becomes false when the pin is replaced by a tag, and a digest quoted in a
 * comment becomes false when the digest moves. The first are removed, the second follow the new digest.
 * Image-automation setter comments (`{"$imagepolicy": …}`) are never touched.
 */
export interface PinCommentFix {
  text: string;
  /** The comments removed or rewritten, as they read before, for the plan's notes. */
  changed: { comment: string; action: "removed" | "updated" }[];
}

const SETTER = /\{\s*"\$[a-z]+"\s*:/i;
const ABOUT_DIGEST = /digest|sha256/i;
/** How many bare ancestor key lines (`image:`, `images:`) a comment may sit above. */
const MAX_ANCESTORS = 2;

/** Offset of the comment's `#` in one line of block YAML, or -1; quote-aware. */
export function commentStart(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (quote === '"' && c === "\\") i++;
      else if (c === quote) {
        if (quote === "'" && line[i + 1] === "'") i++;
        else quote = null;
      }
      continue;
    }
    const before = i === 0 ? " " : (line[i - 1] ?? " ");
    if ((c === '"' || c === "'") && /[\s[{,]/.test(before)) quote = c;
    else if (c === "#" && /\s/.test(before)) return i;
  }
  return -1;
}

function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(":") + 1).toLowerCase();
}

/** `comment` with every spelling of `oldDigest` (whole, or a hex prefix of 7+ characters) replaced by `newDigest`. */
function followDigest(comment: string, oldDigest: string, newDigest: string): string {
  const oldHex = hexOf(oldDigest);
  const newHex = hexOf(newDigest);
  return comment.replace(/(sha256:)?([0-9a-f]{7,64})/gi, (all, prefix: string | undefined, hex: string) => {
    if (!oldHex.startsWith(hex.toLowerCase())) return all;
    return `${prefix ?? ""}${newHex.slice(0, hex.length)}`;
  });
}

/**
 * Fix the comments of the node at `path` (its lines, and the comment lines just above it and above up to two
 * bare ancestor keys). `newDigest` null means the pin was replaced: comments about the digest are removed.
 */
export function fixPinComments(text: string, doc: number, path: EditPath, oldDigest: string, newDigest: string | null): PinCommentFix {
  const parsed = parseForEdit(text);
  const node = nodeAt(parsed, doc, path);
  if (!node.range) return { text, changed: [] };
  const lines = text.split("\n");
  const lineAt = (offset: number) => parsed.lineCounter.linePos(offset).line - 1;
  const first = lineAt(node.range[0]);
  const last = lineAt(Math.max(node.range[0], node.range[1] - 1));
  const candidates: number[] = [];
  for (let i = first; i <= last; i++) candidates.push(i);
  let ancestors = 0;
  for (let i = first - 1; i >= 0; i--) {
    const body = (lines[i] ?? "").replace(/\r$/, "");
    if (/^\s*#/.test(body)) candidates.push(i);
    else if (/^\s*(-\s+)?[^\s#:][^#:]*:\s*(#.*)?$/.test(body) && ancestors < MAX_ANCESTORS) {
      ancestors++;
      candidates.push(i);
    } else break;
  }
  const changed: PinCommentFix["changed"] = [];
  const drop = new Set<number>();
  for (const i of candidates) {
    const line = lines[i] ?? "";
    const cr = line.endsWith("\r") ? "\r" : "";
    const body = cr ? line.slice(0, -1) : line;
    const at = commentStart(body);
    if (at < 0) continue;
    const comment = body.slice(at);
    if (SETTER.test(comment)) continue;
    if (newDigest === null) {
      if (!ABOUT_DIGEST.test(comment) && !comment.toLowerCase().includes(hexOf(oldDigest).slice(0, 7))) continue;
      changed.push({ comment: comment.trim(), action: "removed" });
      if (body.slice(0, at).trim() === "") drop.add(i);
      else lines[i] = body.slice(0, at).replace(/\s+$/, "") + cr;
    } else {
      const next = followDigest(comment, oldDigest, newDigest);
      if (next === comment) continue;
      changed.push({ comment: comment.trim(), action: "updated" });
      lines[i] = body.slice(0, at) + next + cr;
    }
  }
  if (changed.length === 0) return { text, changed };
  changed.sort((a, b) => (a.comment < b.comment ? -1 : a.comment > b.comment ? 1 : 0));
  return { text: lines.filter((_, i) => !drop.has(i)).join("\n"), changed };
}
