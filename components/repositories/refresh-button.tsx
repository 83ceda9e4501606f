"use client";

import { useState, useTransition } from "react";
import { refreshRepository } from "@/app/repositories/actions";

export function RefreshButton({ repository }: { repository: string }) {
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await refreshRepository({ repository });
            if (!result.ok) setMessage(result.error);
            else if (result.data.status === "error") setMessage(`Sync failed: ${result.data.error}`);
            else if (result.data.status === "locked") setMessage("Another sync of this repository is running; try again in a moment.");
            else if (result.data.status === "archived") setMessage("This repository was removed from the configuration and is archived.");
            else setMessage(result.data.status === "unchanged" ? "Already up to date" : `Synced (${result.data.changedFiles} files changed)`);
          })
        }
        className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-50"
      >
        {pending ? "Refreshing…" : "Refresh"}
      </button>
      {message ? (
        <span role="status" className="max-w-xs text-right text-xs text-slate-600">
          {message}
        </span>
      ) : null}
    </div>
  );
}
