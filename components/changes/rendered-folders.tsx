import type { FolderComparison } from "@/lib/render/compare-trees";
import type { ResourceDiff } from "@/lib/render/manifests";

// How a rendered comparison looks, shared by the change page (server) and the promote dialog (client):
// presentation only, the data arrives masked.

export function RenderedFolders({ folders }: { folders: FolderComparison[] }) {
  return (
    <div className="flex flex-col gap-3">
      {folders.map((f) => (
        <Folder key={`${f.path}:${f.cells.join(",")}`} folder={f} />
      ))}
    </div>
  );
}

function Folder({ folder }: { folder: FolderComparison }) {
  const { outcome } = folder;
  return (
    <article className="rounded border border-slate-200 bg-white p-3" data-testid="rendered-folder" data-path={folder.path}>
      <h3 className="text-sm font-semibold break-words">
        {folder.path ? <span className="font-mono">{folder.path}</span> : null} <span className="font-normal text-slate-600">({folder.cells.join(", ")})</span>
      </h3>
      {!outcome.ok ? (
        <Unavailable reason={outcome.reason} />
      ) : (
        <>
          <p className="mt-1 text-xs text-slate-600" data-testid="rendered-summary">
            {outcome.diff.changed.length === 0 ? "Renders the same before and after" : `${outcome.diff.changed.length} ${outcome.diff.changed.length === 1 ? "object differs" : "objects differ"}`}
            {`, ${outcome.diff.unchanged} unchanged`} · rendered with {outcome.renderer}
          </p>
          <ul className="mt-2 flex flex-col gap-2">
            {outcome.diff.changed.map((r) => (
              <Resource key={r.key} resource={r} />
            ))}
          </ul>
        </>
      )}
    </article>
  );
}

const STATUS_STYLE: Record<ResourceDiff["status"], string> = {
  added: "bg-emerald-100 text-emerald-900",
  removed: "bg-red-100 text-red-900",
  changed: "bg-amber-100 text-amber-900",
};

function Resource({ resource }: { resource: ResourceDiff }) {
  const where = resource.namespace ? `${resource.namespace}/${resource.name}` : resource.name;
  // The headers repeat what the summary says; only hunks are shown.
  const lines = resource.patch.replace(/\n$/, "").split("\n").filter((l) => !/^(---|\+\+\+) /.test(l));
  return (
    <li data-testid="rendered-resource" data-key={resource.key}>
      <details open>
        <summary className="cursor-pointer text-sm">
          <span className="font-medium">{resource.kind}</span> <span className="font-mono">{where}</span>{" "}
          <span className={`rounded px-1.5 py-0.5 text-xs ${STATUS_STYLE[resource.status]}`}>{resource.status}</span>
        </summary>
        <pre aria-label={`Rendered diff of ${resource.kind} ${where}`} className="mt-1 max-h-[24rem] overflow-auto rounded border border-slate-200 bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-100">
          {lines.map((line, i) => {
            const kind = line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "context";
            const style = kind === "hunk" ? "text-violet-300" : kind === "add" ? "bg-emerald-950 text-emerald-300" : kind === "del" ? "bg-red-950 text-red-300" : "";
            return (
              <div key={i} className={style} data-line={kind}>
                {line || " "}
              </div>
            );
          })}
        </pre>
      </details>
    </li>
  );
}

export function Unavailable({ reason }: { reason: string }) {
  return (
    <p className="mt-1 rounded border border-slate-200 bg-slate-50 p-2 text-sm break-words text-slate-700" data-testid="rendered-unavailable">
      Rendering unavailable: {reason}
    </p>
  );
}
