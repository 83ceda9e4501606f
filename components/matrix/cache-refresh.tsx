"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

const POLL_MS = 3_000;

async function fetchVersion(): Promise<string> {
  const response = await fetch("/api/v1/cache-version", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`cache version: HTTP ${response.status}`);
  return ((await response.json()) as { data: { version: string } }).data.version;
}

/**
 * Keeps an open matrix current with the cache: a tiny poll of its version (a sync that brought a commit,
 * a change opened, merged or closed) and a server re-render only when it moved. React Query stops the
 * poll while the tab is hidden and asks again when it comes back.
 */
export function CacheRefresh({ version }: { version: string }) {
  const router = useRouter();
  const seen = useRef(version);
  const { data } = useQuery({ queryKey: ["cache-version"], queryFn: fetchVersion, refetchInterval: POLL_MS, refetchIntervalInBackground: false, initialData: version });
  useEffect(() => {
    if (data === seen.current) return;
    seen.current = data;
    router.refresh();
  }, [data, router]);
  return null;
}
