import { FOLLOW_WINDOW_SECONDS } from "@/lib/live/worker-window";

/** A follower reconnects at least once per window; silence for longer means nobody follows the source. */
export const MAX_SILENCE_MS = (FOLLOW_WINDOW_SECONDS + 5 * 60) * 1000;

export const liveCellKey = (repository: string, app: string, env: string) => `${repository}\u0000${app}\u0000${env}`;
