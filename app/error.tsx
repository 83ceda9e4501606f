"use client";

// A failed page (most often: the cache database is unreachable) shows what happened and what to do,
// never a blank screen. Details stay in the server log, referenced by digest.
export default function ErrorPanel({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto mt-10 max-w-xl rounded-lg border border-red-200 bg-red-50 p-6 text-red-900">
      <h1 className="text-lg font-semibold">This page could not be loaded</h1>
      <p className="mt-2 text-sm">
        Ferry could not read its cache. If this persists, check that the database is running (see <code>/api/health</code>) and
        the server log{error.digest ? ` for error ${error.digest}` : ""}.
      </p>
      <button type="button" onClick={reset} className="mt-4 rounded bg-red-700 px-3 py-1.5 text-sm text-white hover:bg-red-800">
        Try again
      </button>
    </div>
  );
}
