"use server";

import { revalidatePath } from "next/cache";
import { syncRepositoryAction } from "@/lib/actions/repositories/sync-repository";

export async function refreshRepository(input: { repository: string }) {
  const result = await syncRepositoryAction(input);
  if (result.ok) revalidatePath("/", "layout");
  return result;
}
