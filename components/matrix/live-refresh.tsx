"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

const POLL_MS = 1_000;

async function fetchStamp(): Promise<string> {
  const response = await fetch("/api/v1/live", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`live state: HTTP ${response.status}`);
  return ((await response.json()) as { data: { stamp: string } }).data.stamp;
}

/**
 * Keeps an open matrix current with what the clusters report: a tiny poll of the live-state stamp,
 * and a server re-render only when it moved (a stream event stored, a source going stale).
 */
export function LiveRefresh({ stamp }: { stamp: string }) {
  const router = useRouter();
  const seen = useRef(stamp);
  const { data } = useQuery({ queryKey: ["live-stamp"], queryFn: fetchStamp, refetchInterval: POLL_MS, initialData: stamp });
  useEffect(() => {
    if (data === seen.current) return;
    seen.current = data;
    router.refresh();
  }, [data, router]);
  return null;
}
