export function MatrixSkeleton() {
  return (
    <div className="flex animate-pulse flex-col gap-3" aria-busy="true" aria-label="Loading the matrix">
      <div className="h-8 w-64 rounded bg-slate-200" />
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="grid grid-cols-4 gap-3">
          {Array.from({ length: 4 }, (_, j) => (
            <div key={j} className="h-12 rounded bg-slate-200" />
          ))}
        </div>
      ))}
    </div>
  );
}
