import Link from "next/link";

// Answered with HTTP 404 (the page calls notFound() before anything is streamed).
export default function AppNotFound() {
  return (
    <div className="mx-auto mt-10 max-w-xl rounded-lg border border-slate-200 bg-white p-6" data-testid="not-found">
      <h1 className="text-lg font-semibold">No such app</h1>
      <p className="mt-2 text-sm text-slate-600">
        No repository Ferry reads has an app with this name. It may have been renamed or removed in its repository, or the
        repository has not been synced since it was added: the Repositories page shows when each was last read and any
        errors.
      </p>
      <p className="mt-4 flex gap-4 text-sm">
        <Link href="/" className="text-sky-700 underline">
          Search the matrix
        </Link>
        <Link href="/repositories" className="text-sky-700 underline">
          Repositories
        </Link>
      </p>
    </div>
  );
}
