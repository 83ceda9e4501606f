/** Shown instead of a form to someone who may not use it: says why, and who can. */
export function RefusalPanel({ title, reason }: { title: string; reason: string }) {
  return (
    <div role="alert" data-testid="scaffold-refusal" className="rounded border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
      <p className="font-medium">{title}</p>
      <p className="mt-1">{reason}</p>
    </div>
  );
}
