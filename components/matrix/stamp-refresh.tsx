"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

interface Props {
  /** A JSON route answering `{ data: { [field]: string } }` whose value moves when the page would. */
  url: string;
  field: string;
  initial: string;
  everyMs: number;
}

/**
 * Keeps an open page current: a tiny poll of a stamp and a server re-render only when it moved. React
 * Query stops the poll while the tab is hidden and asks again when it comes back. One query per stamp
 * the page was rendered at (and per URL: each filter polls its own page), so the re-rendered page, or
 * another filter, starts from its own stamp rather than one polled for the page before.
 */
export function StampRefresh({ url, field, initial, everyMs }: Props) {
  const router = useRouter();
  const { data } = useQuery({
    queryKey: ["stamp", url, initial],
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
    if (data !== initial) router.refresh();
  }, [data, initial, router]);
  return null;
}
