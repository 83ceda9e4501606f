"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLinks({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  const links = [
    { href: "/", label: "Matrix" },
    { href: "/changes", label: "Changes" },
    { href: "/repositories", label: "Repositories" },
    ...(isAdmin ? [{ href: "/audit", label: "Audit log" }] : []),
  ];
  return (
    <nav aria-label="Main" className="flex gap-1 text-sm">
      {links.map((link) => {
        const active = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? "page" : undefined}
            className={`rounded px-3 py-1.5 ${active ? "bg-sky-50 font-medium text-sky-800" : "text-slate-600 hover:bg-slate-100"}`}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
