"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useState, useTransition, type ReactNode } from "react";
import { updateChangeOnHead } from "@/app/changes/[id]/actions";

type Message = { ok: boolean; text: string } | null;

// The update clears the conflict, so the action's own revalidation removes the notice that holds the
// button. The outcome is kept above it, or the user would never see what happened.
const Outcome = createContext<{ message: Message; setMessage: (m: Message) => void } | null>(null);

export function UpdateOnHeadOutcome({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<Message>(null);
  return (
    <Outcome.Provider value={{ message, setMessage }}>
      {message ? (
        <p role={message.ok ? "status" : "alert"} data-testid="update-result" className={`text-sm ${message.ok ? "text-emerald-800" : "text-red-800"}`}>
          {message.text}
        </p>
      ) : null}
      {children}
    </Outcome.Provider>
  );
}

/**
 * "Update this change on the current head": plans the same change again on the base branch as it is
 * now and rewrites its branch. Reviewers must look again, so the button says so.
 */
export function UpdateOnHeadButton({ id, refusal }: { id: number; refusal: string | null }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const outcome = useContext(Outcome);
  if (!outcome) throw new Error("UpdateOnHeadButton must be rendered inside UpdateOnHeadOutcome");
  const { setMessage } = outcome;
  if (refusal !== null) {
    return (
      <p className="text-sm text-slate-600" data-testid="update-refusal">
        Update on the current head: {refusal}
      </p>
    );
  }
  const run = () =>
    start(async () => {
      const result = await updateChangeOnHead({ id });
      if (!result.ok) return setMessage({ ok: false, text: result.error });
      const told = result.data.reviewersTold;
      const reviewers = told === true ? " Its reviewers were told on the forge." : told && told !== "no-thread" ? ` Its reviewers could not be told on the forge (${told.failed}).` : "";
      setMessage({
        ok: true,
        text: result.data.status === "identical" ? `${result.data.label} is already planned on the current head.` : `Updated ${result.data.label} on ${result.data.baseSha.slice(0, 10)}.${reviewers} Review the new diff before merging.`,
      });
      router.refresh();
    });
  return (
    <button
      type="button"
      onClick={run}
      disabled={pending}
      className="self-start rounded bg-amber-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800 disabled:opacity-50"
    >
      {pending ? "Updating…" : "Update this change on the current head"}
    </button>
  );
}
