"use server";

import { renderedPreviewAction } from "@/lib/actions/promotions/rendered-preview";

export async function renderedPreview(input: unknown) {
  return renderedPreviewAction(input);
}
