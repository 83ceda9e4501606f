import { parseImageRef } from "@/lib/gitops/image-ref";
import type { CellLive } from "@/lib/live/cell-live";
import { relativeTime } from "./relative-time";

const SYNC_STYLE: Record<CellLive["sync"], string> = {
  Synced: "mx-live-ok",
  Ready: "mx-live-ok",
  OutOfSync: "mx-live-warn",
  Reconciling: "mx-live-warn",
  NotReady: "mx-live-bad",
  Stalled: "mx-live-bad",
  Unknown: "mx-live-stale",
};
const HEALTH_STYLE: Record<CellLive["health"], string> = {
  Healthy: "mx-live-ok",
  Progressing: "mx-live-warn",
  Suspended: "mx-live-warn",
  Degraded: "mx-live-bad",
  Missing: "mx-live-bad",
  Unknown: "mx-live-stale",
};
const SYNC_TEXT: Record<CellLive["sync"], string> = {
  Synced: "synced",
  OutOfSync: "out of sync",
  Unknown: "sync unknown",
  Ready: "ready",
  Reconciling: "reconciling",
  Stalled: "stalled",
  NotReady: "not ready",
};

const FLUX_TEXT = new Set(["Ready", "Reconciling", "Stalled", "NotReady"]);

/** `14:02 UTC (3m ago)` within a day, else the date: the same on the server and in the browser. */
function sinceLabel(iso: string, now: Date): string {
  const at = new Date(iso);
  const text = now.getTime() - at.getTime() < 24 * 3600_000 ? `${iso.slice(11, 16)} UTC` : iso.slice(0, 10);
  return `${text} (${relativeTime(iso, now)})`;
}

function shortVersion(image: string): string {
  const ref = parseImageRef(image);
  return ref.tag ?? ref.digest?.slice(0, 19) ?? image;
}

/**
 * What the cluster runs for one cell, as its live-state source reports it. A source that cannot be
 * reached shows only since when its state is stale: an old "healthy" would be a claim nobody checked.
 */
export function LiveBadges({ live, now }: { live: CellLive; now: Date }) {
  const from = `${live.application}${live.others > 0 ? ` (and ${live.others} more here)` : ""}`;
  if (live.staleSince) {
    return (
      <span className="mx-badge mx-live-stale" data-live="stale" title={`${from}: the source cannot be reached since ${live.staleSince}`}>
        live state stale since {sinceLabel(live.staleSince, now)}
      </span>
    );
  }
  return (
    <>
      <span className="mx-vs" data-live-sync={live.sync} data-live-health={live.health}>
        <span className={`mx-badge ${SYNC_STYLE[live.sync]}`} title={`${from}: ${FLUX_TEXT.has(live.sync) ? "Flux" : "Argo CD sync"} status ${live.sync}`}>
          {SYNC_TEXT[live.sync]}
        </span>
        <span className={`mx-badge ${HEALTH_STYLE[live.health]}`} title={`${from}: health ${live.health}`}>
          {live.health.toLowerCase()}
        </span>
      </span>
      {live.deploying ? (
        <a href={`/changes/${live.deploying}`} className="mx-badge mx-live-warn" data-live-deploying={live.deploying} title="Merged, not healthy on the cluster yet: see the change's timeline">
          deploying
        </a>
      ) : null}
      {live.applied === "head" ? (
        <span className="mx-meta" data-live-applied="head" title={`${live.revision ?? ""} applied${live.appliedAt ? ` at ${live.appliedAt}` : ""}`}>
          applied{live.appliedAt ? ` ${relativeTime(live.appliedAt, now)}` : ""}
        </span>
      ) : live.applied === "behind" ? (
        <span className="mx-meta" data-live-applied="behind" title={`The cluster last compared ${live.revision ?? "another revision"}, not the repository head`}>
          merged, not applied yet
        </span>
      ) : null}
      {live.imageMismatches.map((m) => (
        <span key={m.image} className="mx-badge mx-live-bad" data-live-image-mismatch={m.image} title={`git: ${m.image}:${m.git}\nrunning: ${m.live.join(", ")}`}>
          runs {m.live.map(shortVersion).join(", ")}, git says {m.git}
        </span>
      ))}
    </>
  );
}
