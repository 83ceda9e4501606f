"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { recordAudit } from "@/lib/auth/audit";
import { demoIdentityProvider, seedDemoUsers } from "@/lib/auth/demo-users";
import { safeNextPath } from "@/lib/auth/next-path";
import { createSession } from "@/lib/auth/session";
import { signInSettings } from "@/lib/auth/sign-in-config";
import { getPrisma } from "@/lib/db/client";

const SignInInput = z.object({
  userId: z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/),
  next: z.string().max(2048).optional(),
});

/** The demo sign-in form's action: the user is named by id (the button pressed). */
export async function signIn(formData: FormData): Promise<void> {
  const parsed = SignInInput.safeParse({
    userId: formData.get("userId"),
    next: formData.get("next") ?? undefined,
  });
  const next = safeNextPath(formData.get("next"));
  if (!parsed.success) redirect(errorPath("invalid", next));

  // Demo users are only offered where start-up allowed them; a form posted anyway is refused.
  if (!signInSettings().demo) redirect(errorPath("demo-off", next));
  const provider = demoIdentityProvider;
  const identity = await provider.completeSignIn({ userId: parsed.data.userId });
  const prisma = getPrisma();
  if (!identity) {
    await recordAudit(prisma, {
      actor: null,
      action: "session.signin",
      resourceType: "session",
      resourceId: parsed.data.userId,
      result: "denied",
      message: `No ${provider.label} account "${parsed.data.userId}"`,
    });
    redirect(errorPath("unknown-user", next));
  }

  let user = await prisma.user.findUnique({ where: { id: identity.externalId }, select: { id: true } });
  if (!user) {
    // The sign-in page lists the demo users from code; make sure they exist even if the database
    // was created without the demo seed.
    await seedDemoUsers(prisma);
    user = await prisma.user.findUnique({ where: { id: identity.externalId }, select: { id: true } });
  }
  if (!user) redirect(errorPath("unknown-user", next));

  await prisma.user.update({ where: { id: user.id }, data: { provider: "demo", lastSignInAt: new Date() } });
  await createSession(user.id);
  await recordAudit(prisma, {
    actor: { kind: "user", id: user.id },
    action: "session.signin",
    resourceType: "session",
    resourceId: user.id,
    result: "ok",
    message: `${identity.name} signed in (${provider.label})`,
  });
  redirect(next);
}

function errorPath(error: "invalid" | "unknown-user" | "demo-off", next: string): string {
  const query = new URLSearchParams({ error });
  if (next !== "/") query.set("next", next);
  return `/signin?${query.toString()}`;
}
