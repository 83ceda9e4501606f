"use server";

import { revalidatePath } from "next/cache";
import { openPromotionAction } from "@/lib/actions/promotions/open-promotion";
import { previewPromotionAction } from "@/lib/actions/promotions/preview-promotion";

export async function previewPromotion(input: unknown) {
  return previewPromotionAction(input);
}

export async function promote(input: unknown) {
  const result = await openPromotionAction(input);
  if (result.ok && "change" in result.data) revalidatePath("/", "layout");
  return result;
}
