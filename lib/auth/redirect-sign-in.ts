import type { ExternalIdentity } from "./identity";
import { finishForgeSignIn, startForgeSignIn } from "./forge-sign-in";
import { finishOidcSignIn, startOidcSignIn } from "./oidc-sign-in";
import type { PendingSignIn } from "./pending-sign-in";
import type { SignInSettings } from "./sign-in-config";

// The sign-ins that send the browser away and back (OpenID Connect, GitHub, GitLab) behind one shape,
// so /signin/<id> and /signin/<id>/callback serve them all.

export type RedirectProviderId = "oidc" | "github" | "gitlab";

export interface RedirectSignIn {
  id: RedirectProviderId;
  /** "Sign in with <label>". */
  label: string;
  redirectUri: string;
  start(next: string): Promise<{ url: URL; pending: PendingSignIn }>;
  finish(callbackUrl: URL, pending: PendingSignIn): Promise<ExternalIdentity>;
}

/** The redirect sign-ins the settings enable, in the order the sign-in page shows them. */
export function redirectSignIns(settings: SignInSettings): RedirectSignIn[] {
  const providers: RedirectSignIn[] = [];
  const { oidc, github, gitlab } = settings;
  if (oidc) {
    providers.push({ id: "oidc", label: oidc.label, redirectUri: oidc.redirectUri, start: (next) => startOidcSignIn(oidc, next), finish: (url, pending) => finishOidcSignIn(oidc, url, pending) });
  }
  for (const forge of [github, gitlab]) {
    if (!forge) continue;
    providers.push({ id: forge.forge, label: forge.label, redirectUri: forge.redirectUri, start: (next) => startForgeSignIn(forge, next), finish: (url, pending) => finishForgeSignIn(forge, url, pending) });
  }
  return providers;
}

export function findRedirectSignIn(settings: SignInSettings, id: string): RedirectSignIn | undefined {
  return redirectSignIns(settings).find((p) => p.id === id);
}
