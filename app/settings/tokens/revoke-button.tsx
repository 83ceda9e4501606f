"use client";

import { useState, useTransition } from "react";
import { revokeToken } from "./actions";

export function RevokeButton({ id, name }: { id: number; name: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-col gap-1">
      <button
        type="button"
        disabled={pending}
        className="self-start rounded border border-red-300 px-2 py-0.5 text-xs text-red-700 hover:bg-red-50 disabled:opacity-50"
        onClick={() => {
          // Revoking breaks every CI job using the token at once: ask first.
          if (!window.confirm(`Revoke token "${name}"? CI jobs using it stop working immediately.`)) return;
          start(async () => {
            const result = await revokeToken({ id });
            setError(result.ok ? null : result.error);
          });
        }}
      >
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </div>
  );
}
