import Link from "next/link";
import type { RepositoryProblem } from "@/lib/data/repositories";

// A repository that cannot be synced must not hide the others: say which, why, and what to do.
export function RepositoryProblems({ problems }: { problems: RepositoryProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900">
      <p className="font-medium">
        {problems.length === 1 ? "One repository could not be synced" : `${problems.length} repositories could not be synced`}; the matrix shows their
        last good state.
      </p>
      <ul className="mt-1 list-disc pl-5">
        {problems.map((p) => (
          <li key={p.name}>
            <span className="font-medium">{p.name}</span>: {p.syncError}
          </li>
        ))}
      </ul>
      <Link href="/repositories" className="mt-1 inline-block underline">
        Check the repositories and retry
      </Link>
    </div>
  );
}
