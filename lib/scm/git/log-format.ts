import { StringDecoder } from "node:string_decoder";
import type { CommitInfo } from "../types";

// `git log -z` output with this format is a stream of NUL-terminated tokens:
// "\x1e<sha>", author, email, date, message, then (with --name-only) one token per changed file,
// the first prefixed with "\n". The \x1e marker cannot start a file name in practice and is how a
// new commit is recognised without relying on token counts.
const MARKER = "\x1e";
export const LOG_FORMAT = "--format=%x1e%H%x00%an%x00%ae%x00%aI%x00%B";

export interface LogRecord {
  commit: CommitInfo;
  files: string[];
}

/** Incremental parser: feed stdout chunks, receive each commit once its file list is complete. */
export class LogStreamParser {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";
  private header: string[] | null = null;
  private current: LogRecord | null = null;

  constructor(private readonly onRecord: (record: LogRecord) => void) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    const tokens = this.pending.split("\0");
    this.pending = tokens.pop() ?? "";
    for (const token of tokens) this.token(token);
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== "") this.token(this.pending);
    this.pending = "";
    this.flush();
  }

  private token(raw: string): void {
    const token = raw.startsWith("\n") && this.header === null ? raw.slice(1) : raw;
    if (token.startsWith(MARKER)) {
      this.flush();
      this.header = [token.slice(1)];
      return;
    }
    if (this.header) {
      this.header.push(token);
      if (this.header.length === 5) {
        const [sha = "", author = "", email = "", date = "", message = ""] = this.header;
        this.current = { commit: { sha, author, email, date: new Date(date), message: message.replace(/\n+$/, "") }, files: [] };
        this.header = null;
      }
      return;
    }
    if (token !== "" && this.current) this.current.files.push(token);
  }

  private flush(): void {
    if (this.current) this.onRecord(this.current);
    this.current = null;
  }
}

export function parseLog(output: string): LogRecord[] {
  const records: LogRecord[] = [];
  const parser = new LogStreamParser((r) => records.push(r));
  parser.push(output);
  parser.end();
  return records;
}
