// What a redirect sign-in (OpenID Connect, GitHub, GitLab) carries between sending the browser away and
// its return, in a short-lived cookie; and the error a refused sign-in raises.

/** What the browser carries between the redirect and the callback (the `ferry_signin` cookie). */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

export const PENDING_COOKIE = "ferry_signin";
/** The provider's login page may take a while (MFA), but not forever. */
export const PENDING_TTL_SECONDS = 600;

/** A sign-in the provider refused or that failed its checks; the message is safe to log, not to show. */
export class SignInRefusedError extends Error {}

export function encodePending(pending: PendingSignIn): string {
  return Buffer.from(JSON.stringify(pending)).toString("base64url");
}

export function decodePending(value: string | undefined): PendingSignIn | null {
  if (!value || value.length > 4096) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Partial<PendingSignIn>;
    const fields = [parsed.state, parsed.nonce, parsed.verifier, parsed.next];
    return fields.every((f) => typeof f === "string" && f.length > 0 && f.length <= 2048) ? (parsed as PendingSignIn) : null;
  } catch {
    return null;
  }
}
