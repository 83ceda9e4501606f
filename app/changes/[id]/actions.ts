"use server";

import { revalidatePath } from "next/cache";
import { cancelAutoMergeAction, enableAutoMergeAction } from "@/lib/actions/changes/auto-merge";
import { closeChangeAction, mergeChangeAction } from "@/lib/actions/changes/review-change";
import { updateChangeAction } from "@/lib/actions/changes/update-change";

export async function mergeChange(input: { id: number; headSha: string; planDigest: string }) {
  const result = await mergeChangeAction(input);
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

export async function closeChange(input: { id: number }) {
  const result = await closeChangeAction(input);
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

export async function updateChangeOnHead(input: { id: number }) {
  const result = await updateChangeAction(input);
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

export async function mergeWhenReady(input: { id: number; headSha: string; planDigest: string }) {
  const result = await enableAutoMergeAction(input);
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

export async function cancelMergeWhenReady(input: { id: number }) {
  const result = await cancelAutoMergeAction(input);
  if (result.ok) revalidatePath("/", "layout");
  return result;
}
