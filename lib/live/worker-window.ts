/**
 * How long one follower job follows a source before handing over (it then reconnects). Cells count as
 * stale when no follower heard from their source for longer: then nobody follows it.
 */
export const FOLLOW_WINDOW_SECONDS = 30 * 60;
