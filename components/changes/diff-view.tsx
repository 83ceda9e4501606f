// A unified diff with added/removed lines coloured; file headers stand out so reviewers see which file.
export function DiffView({ diff, label = "Diff" }: { diff: string; label?: string }) {
  if (!diff.trim()) return <p className="text-sm text-slate-500">No file changes.</p>;
  const lines = diff.replace(/\n$/, "").split("\n");
  return (
    <pre aria-label={label} data-testid="diff" className="max-h-[28rem] overflow-auto rounded border border-slate-200 bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-100">
      {lines.map((line, i) => {
        const style = line.startsWith("+++") || line.startsWith("---")
          ? "font-semibold text-sky-300"
          : line.startsWith("@@")
            ? "text-violet-300"
            : line.startsWith("+")
              ? "bg-emerald-950 text-emerald-300"
              : line.startsWith("-")
                ? "bg-red-950 text-red-300"
                : line.startsWith("diff ") || line.startsWith("Index:") || line.startsWith("===")
                  ? "text-slate-400"
                  : "";
        const kind = line.startsWith("+++") || line.startsWith("---") ? "file" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "context";
        return (
          <div key={i} className={style} data-line={kind}>
            {line || " "}
          </div>
        );
      })}
    </pre>
  );
}
