import Link from "next/link";

// Answered with HTTP 404 (the page calls notFound() before anything is streamed).
export default function ChangeNotFound() {
  return (
    <div className="mx-auto mt-10 max-w-xl rounded-lg border border-slate-200 bg-white p-6" data-testid="not-found">
      <h1 className="text-lg font-semibold">No such change</h1>
      <p className="mt-2 text-sm text-slate-600">
        Ferry has no change request at this address. The number in <code className="font-mono">/changes/…</code> is Ferry&apos;s own;
        a pull request number from a forge (such as <code className="font-mono">payments-gitops#12</code>) is shown next to each change
        on the Changes page. Changes are removed with their repository when it leaves Ferry&apos;s configuration.
      </p>
      <p className="mt-4 flex gap-4 text-sm">
        <Link href="/changes" className="text-sky-700 underline">
          All changes
        </Link>
        <Link href="/" className="text-sky-700 underline">
          The matrix
        </Link>
      </p>
    </div>
  );
}
