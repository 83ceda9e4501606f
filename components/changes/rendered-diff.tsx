import { Suspense } from "react";
import { getPrisma } from "@/lib/db/client";
import { renderedChange } from "@/lib/render/change-render";
import { RenderedFolders, Unavailable } from "./rendered-folders";

// Next to the file diff: what the environment renders before and after, per object. Streamed in its own
// Suspense boundary, so the change page shows at once and the rendering (a kustomize build) follows.
// The patches arrive already masked (lib/render/manifests.ts): Secret values never reach this component.

export function RenderedDiff({ changeId }: { changeId: number }) {
  return (
    <section aria-labelledby="rendered-title" data-testid="rendered-diff">
      <h2 id="rendered-title" className="mb-1 text-lg font-medium">
        Rendered manifests
      </h2>
      <p className="mb-2 text-xs text-slate-500">The objects each environment folder renders before and after this change, per kind/namespace/name. Secret values are hidden.</p>
      <Suspense fallback={<p className="text-sm text-slate-500" data-testid="rendered-pending">Rendering the environment before and after the change…</p>}>
        <RenderedDiffBody changeId={changeId} />
      </Suspense>
    </section>
  );
}

async function RenderedDiffBody({ changeId }: { changeId: number }) {
  const result = await renderedChange(getPrisma(), changeId).catch((error: unknown) => ({ status: "none" as const, reason: `Rendering failed: ${error instanceof Error ? error.message : String(error)}` }));
  if (result.status === "none") return <Unavailable reason={result.reason} />;
  return <RenderedFolders folders={result.folders} />;
}
