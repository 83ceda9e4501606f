import { NextResponse } from "next/server";

/** 303 to `location`: after a GET it is what browsers follow, and a relative Location survives reverse proxies. */
export function seeOther(location: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: location } });
}
