/** One YAML document of a rendered template, and where it starts in the rendered text. */
export interface ManifestChunk {
  text: string;
  start: number;
}

/**
 * The documents of one rendered template, split where Helm splits them (releaseutil.SplitManifests,
 * charts of apiVersion v1 and v2): the stream is trimmed, and a separator is `---` at its start or after a
 * newline, with the whitespace around it, whatever follows on the line. A loop that ends in `---` and
 * then `{{- end }}` renders `---apiVersion: …` (the trim marker eats the newline): Helm reads that as a
 * separator glued to the next document, as its regex `(?:^|\s*\n)---\s*` does on purpose, so Argo CD
 * applies one Application per iteration and so must Ferry. Empty documents are Helm's to drop too.
 *
 * Scanned by hand rather than with that regex: its `\s*\n` backtracks over every long run of spaces.
 */
export function splitManifests(text: string): ManifestChunk[] {
  const out: ManifestChunk[] = [];
  let start = skipSpace(text, 0);
  if (text.startsWith("---", start)) start = skipSpace(text, start + 3);
  const separator = /\n---/g;
  separator.lastIndex = start;
  for (let m = separator.exec(text); m; m = separator.exec(text)) {
    let end = m.index;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (end > start) out.push({ text: text.slice(start, end), start });
    // The separator takes the whitespace after it, newlines included: a `---` right after it starts a document.
    start = skipSpace(text, m.index + m[0].length);
    separator.lastIndex = start;
  }
  let end = text.length;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (end > start) out.push({ text: text.slice(start, end), start });
  return out;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Go's `\s`: tab, newline, form feed, carriage return, space. */
function isSpace(code: number): boolean {
  return code === 9 || code === 10 || code === 12 || code === 13 || code === 32;
}
