import Link from "next/link";
import { authorize } from "@/lib/auth/policy";
import { getCurrentUser } from "@/lib/auth/session";
import { NavLinks } from "./nav-links";

const ROLE_LABEL = { VIEWER: "viewer", DEVELOPER: "developer", ADMIN: "platform admin" } as const;

export async function TopNav() {
  const user = await getCurrentUser().catch(() => null);
  return (
    <header className="border-b border-slate-200 bg-white">
      {/* One row from lg up; below it the links wrap onto their own full-width row, so a 390 px phone never scrolls sideways. */}
      <div className="mx-auto flex min-h-14 max-w-screen-2xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2 lg:flex-nowrap lg:py-0">
        <Link href="/" className="flex shrink-0 items-center gap-2 font-semibold text-sky-800">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/favicon.svg" alt="" width={24} height={24} />
          Ferry
        </Link>
        {user ? <NavLinks isAdmin={user.role === "ADMIN"} canAddApps={user.teams.some((team) => authorize(user, "app.create", { team }).allowed) || user.role === "ADMIN"} /> : null}
        <div className="ml-auto flex min-w-0 items-center gap-3 text-sm lg:order-last">
          {user ? (
            <>
              <span data-testid="current-user" className="min-w-0 truncate" title={`${user.name} (${ROLE_LABEL[user.role]}${user.teams.length ? ` · ${user.teams.join(", ")}` : ""})`}>
                <span className="font-medium">{user.name}</span>{" "}
                <span className="hidden text-slate-500 xl:inline">
                  ({ROLE_LABEL[user.role]}
                  {user.teams.length ? ` · ${user.teams.join(", ")}` : ""})
                </span>
              </span>
              <form action="/signout" method="post">
                <button type="submit" className="rounded border border-slate-300 px-2 py-1 whitespace-nowrap hover:bg-slate-100">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <Link href="/signin" className="rounded bg-sky-700 px-3 py-1.5 text-white hover:bg-sky-800">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
