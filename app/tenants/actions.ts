"use server";

import { revalidatePath } from "next/cache";
import { onboardTenantAction } from "@/lib/actions/tenants/onboard-tenant";
import { previewTenantAction } from "@/lib/actions/tenants/preview-tenant";

export async function previewTenant(input: unknown) {
  return previewTenantAction(input);
}

export async function onboardTenant(input: unknown) {
  const result = await onboardTenantAction(input);
  if (result.ok && "change" in result.data) revalidatePath("/", "layout");
  return result;
}
