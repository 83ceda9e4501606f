"use server";

import { revalidatePath } from "next/cache";
import { createAppAction } from "@/lib/actions/apps/create-app";
import { previewAppAction } from "@/lib/actions/apps/preview-app";

export async function previewApp(input: unknown) {
  return previewAppAction(input);
}

export async function createApp(input: unknown) {
  const result = await createAppAction(input);
  if (result.ok && "change" in result.data) revalidatePath("/", "layout");
  return result;
}
