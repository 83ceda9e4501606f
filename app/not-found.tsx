import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto mt-10 max-w-xl rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-slate-600">There is nothing at this address. It may have been renamed or removed from its repository.</p>
      <Link href="/" className="mt-4 inline-block text-sm text-sky-700 underline">
        Back to the matrix
      </Link>
    </div>
  );
}
