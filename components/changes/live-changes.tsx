"use client";

import { useQuery } from "@tanstack/react-query";
import type { ChangeSummary } from "@/lib/data/changes";
import { ChangeTable } from "./change-table";

const POLL_MS = 10_000;

async function fetchChanges(): Promise<ChangeSummary[]> {
  const response = await fetch("/api/v1/changes", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`The change list could not be refreshed (HTTP ${response.status}).`);
  const body = (await response.json()) as { ok: true; data: ChangeSummary[] };
  return body.data;
}

/**
 * Open and finished change requests, refreshed every few seconds: merges and reviews on the forge
 * arrive through webhooks into the cache, and this list follows without a reload.
 */
export function LiveChanges({ initial, renderedAt }: { initial: ChangeSummary[]; renderedAt: string }) {
  const { data, error, dataUpdatedAt } = useQuery({
    queryKey: ["changes"],
    queryFn: fetchChanges,
    initialData: initial,
    initialDataUpdatedAt: Date.parse(renderedAt),
    refetchInterval: POLL_MS,
  });
  const now = new Date(dataUpdatedAt || Date.parse(renderedAt));
  const open = data.filter((c) => c.state === "OPEN" || c.state === "DRAFT");
  const done = data.filter((c) => c.state === "MERGED" || c.state === "CLOSED");
  return (
    <div className="flex flex-col gap-6">
      {error ? (
        <p role="alert" className="rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
          {error.message} Showing the last known state.
        </p>
      ) : null}
      <section aria-labelledby="open-changes">
        <h2 id="open-changes" className="mb-2 text-lg font-medium">
          Open ({open.length})
        </h2>
        <ChangeTable changes={open} now={now} empty="No open changes. Promote a release from the matrix to open one." />
      </section>
      <section aria-labelledby="closed-changes">
        <h2 id="closed-changes" className="mb-2 text-lg font-medium">
          Merged and closed
        </h2>
        <ChangeTable changes={done} now={now} empty="Nothing merged or closed yet." />
      </section>
    </div>
  );
}
