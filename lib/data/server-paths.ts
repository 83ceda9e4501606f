import type { Role } from "@/lib/db/generated/enums";

// Where the server keeps things (a local repository's path, a mirror under the data directory) is for
// the people who run Ferry: platform admins see it, everyone else sees that it is local.

/** Absolute server paths inside a message ("/srv/git/platform.git", "/var/lib/ferry/mirrors/x"). */
const SERVER_PATH = /(^|[\s'"`(=:])(\/(?:[\w.@+-]+\/)*[\w.@+-]+\/?)/g;

export function seesServerPaths(role: Role): boolean {
  return role === "ADMIN";
}

/** A repository location for someone who may not see server paths: remote URLs stay, local paths do not. */
export function locationFor(role: Role, url: string): string {
  if (seesServerPaths(role)) return url;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^file:/i.test(url) ? url : "local repository on the Ferry server";
}

/** A message (a sync error) with absolute server paths replaced, for someone who may not see them. */
export function messageFor(role: Role, message: string): string {
  if (seesServerPaths(role)) return message;
  return message.replace(SERVER_PATH, (_match, before: string) => `${before}[server path]`);
}
