"use client";

import { useQuery } from "@tanstack/react-query";
import type { Rollout } from "@/lib/live/rollout";
import { pollInterval } from "./rollout-cadence";

async function fetchRollouts(ids: number[] | undefined): Promise<Rollout[]> {
  const query = ids ? `?ids=${ids.join(",")}` : "";
  const response = await fetch(`/api/v1/changes/rollouts${query}`, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`The timeline could not be refreshed (HTTP ${response.status}).`);
  return ((await response.json()) as { ok: true; data: Rollout[] }).data;
}

/**
 * The timelines of the given changes (all recent ones without ids), polled from a small JSON route:
 * polling rather than server-sent events, because live state reaches Postgres from a worker process
 * and any web replica may answer; a poll is one indexed read, where a stream would need a cross-replica
 * notification and a connection held per open tab.
 */
export function useRollouts(ids?: number[]) {
  return useQuery({
    queryKey: ["rollouts", ids?.join(",") ?? "recent"],
    queryFn: () => fetchRollouts(ids),
    refetchInterval: (query) => pollInterval(query.state.data, ids !== undefined, Date.now()),
  });
}
