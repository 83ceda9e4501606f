"use client";

import { useRef, useSyncExternalStore, type KeyboardEvent, type ReactNode } from "react";

const subscribeNothing = () => () => {};

// Arrow keys move between cells like a spreadsheet; Tab still walks the links inside cells.
export function MatrixKeyboard({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  // Marks when the keyboard handler is live (after hydration), for tests and for styling hints.
  const live = useSyncExternalStore(subscribeNothing, () => true, () => false);
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    const current = (event.target as HTMLElement).closest<HTMLElement>("[data-row]");
    if (!move || !current || !ref.current) return;
    const row = Number(current.dataset.row) + move[0];
    const col = Number(current.dataset.col) + move[1];
    const next = ref.current.querySelector<HTMLElement>(`[data-row="${row}"][data-col="${col}"]`);
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }
  return (
    <div ref={ref} onKeyDown={onKeyDown} data-keyboard={live ? "ready" : undefined} className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      {children}
    </div>
  );
}
