"use server";

import { revalidatePath } from "next/cache";
import { openBulkPromotionAction, previewBulkPromotionAction } from "@/lib/actions/promotions/bulk-promotion";
import { openPromotionAction } from "@/lib/actions/promotions/open-promotion";
import { cellHistoryAction } from "@/lib/actions/promotions/cell-history";
import { previewPromotionAction } from "@/lib/actions/promotions/preview-promotion";
import { unpinCellAction } from "@/lib/actions/promotions/unpin-cell";

export async function previewPromotion(input: unknown) {
  return previewPromotionAction(input);
}

export async function promote(input: unknown) {
  const result = await openPromotionAction(input);
  if (result.ok && "change" in result.data) revalidatePath("/", "layout");
  return result;
}

export async function cellHistory(input: unknown) {
  return cellHistoryAction(input);
}

export async function unpinCell(input: unknown) {
  const result = await unpinCellAction(input);
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

export async function previewBulkPromotion(input: unknown) {
  return previewBulkPromotionAction(input);
}

export async function promoteBulk(input: unknown) {
  const result = await openBulkPromotionAction(input);
  if (result.ok && result.data.repositories.some((r) => "change" in r)) revalidatePath("/", "layout");
  return result;
}
