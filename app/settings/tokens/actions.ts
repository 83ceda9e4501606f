"use server";

import { revalidatePath } from "next/cache";
import { createApiTokenAction } from "@/lib/actions/tokens/create-api-token";
import { revokeApiTokenAction } from "@/lib/actions/tokens/revoke-api-token";

export async function createToken(input: FormData) {
  const result = await createApiTokenAction(input);
  if (result.ok) revalidatePath("/settings/tokens");
  return result;
}

export async function revokeToken(input: { id: number }) {
  const result = await revokeApiTokenAction(input);
  if (result.ok) revalidatePath("/settings/tokens");
  return result;
}
