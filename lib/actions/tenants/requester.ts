import type { Actor } from "@/lib/auth/policy";
import type { Requester } from "@/lib/changes/open-change";

/** Who the change request is recorded for (tokens are refused by the policy before this is used). */
export function requesterOf(user: Actor): Requester {
  return user.kind === "user" ? { id: user.id, name: user.name, email: user.email } : { id: `token:${user.id}`, name: `${user.name} (API token)`, email: "ci@ferry.invalid" };
}
