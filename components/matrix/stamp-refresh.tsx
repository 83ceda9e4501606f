"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

interface Props {
  /** A JSON route answering `{ data: { [field]: string } }` whose value moves when the page would. */
  url: string;
  field: string;
  initial: string;
  everyMs: number;
}

/**
 * Keeps an open page current: a tiny poll of a stamp and a server re-render only when it moved. React
 * Query stops the poll while the tab is hidden and asks again when it comes back.
 */
export function StampRefresh({ url, field, initial, everyMs }: Props) {
  const router = useRouter();
  const seen = useRef(initial);
  const { data } = useQuery({
    queryKey: ["stamp", url],
    queryFn: async () => {
      const response = await fetch(url, { headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      const body = (await response.json()) as { data: Record<string, unknown> };
      return String(body.data[field]);
    },
    refetchInterval: everyMs,
    refetchIntervalInBackground: false,
    initialData: initial,
  });
  useEffect(() => {
    if (data === seen.current) return;
    seen.current = data;
    router.refresh();
  }, [data, router]);
  return null;
}
