// Server-sent events (the WHATWG event-stream format) as Argo CD's API server writes them for
// `/api/v1/stream/*`: one `data: <json>` line per message and a blank line after it. Chunks from the
// network split lines anywhere; the parser keeps the unfinished rest for the next chunk.

export class SseParser {
  private buffer = "";
  private data: string[] = [];

  /** Feeds one chunk of text and returns the data of every message it completed. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A lone "\r" at the very end may be the first half of "\r\n": wait for the next chunk.
      if (this.buffer[newline] === "\r" && newline === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + (this.buffer.startsWith("\r\n", newline) ? 2 : 1));
      if (line === "") {
        if (this.data.length > 0) out.push(this.data.join("\n"));
        this.data = [];
        continue;
      }
      if (line.startsWith(":")) continue; // comment (keep-alive)
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") this.data.push(value);
      // `event`, `id` and `retry` carry nothing Argo CD uses.
    }
    return out;
  }
}
