"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** Which links to show is decided on the server (lib/auth/policy); the pages and actions check again. */
export function NavLinks({ isAdmin, canAddApps }: { isAdmin: boolean; canAddApps: boolean }) {
  const pathname = usePathname();
  const links = [
    { href: "/", label: "Matrix" },
    { href: "/changes", label: "Changes" },
    { href: "/repositories", label: "Repositories" },
    { href: "/live", label: "Live state" },
    ...(canAddApps ? [{ href: "/apps/new", label: "Add app" }] : []),
    ...(isAdmin
      ? [
          { href: "/tenants/new", label: "Onboard tenant" },
          { href: "/audit", label: "Audit log" },
          { href: "/settings/tokens", label: "API tokens" },
        ]
      : []),
  ];
  return (
    <nav aria-label="Main" className="order-last flex w-full flex-wrap gap-1 text-sm lg:order-none lg:w-auto lg:flex-nowrap">
      {links.map((link) => {
        const active = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? "page" : undefined}
            className={`rounded px-3 py-1.5 whitespace-nowrap ${active ? "bg-sky-50 font-medium text-sky-800" : "text-slate-600 hover:bg-slate-100"}`}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
