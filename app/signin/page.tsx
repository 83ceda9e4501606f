import type { Metadata } from "next";
import { DEMO_USERS } from "@/lib/auth/demo-users";
import { safeNextPath } from "@/lib/auth/next-path";
import { describeRole } from "@/lib/auth/policy";
import { getCurrentUser } from "@/lib/auth/session";
import { redirectSignIns } from "@/lib/auth/redirect-sign-in";
import { signInSettings } from "@/lib/auth/sign-in-config";
import { signIn } from "./actions";

export const metadata: Metadata = { title: "Sign in · Ferry" };

// Fixed texts: the error code comes from the URL, so it is never echoed back as is.
const ERRORS: Record<string, string> = {
  invalid: "That sign-in request was not valid. Pick a user below.",
  "unknown-user": "There is no such user. Pick one of the users below.",
  "demo-off": "Demo sign-in is turned off on this portal.",
  "no-provider": "No identity provider is configured on this portal.",
  "provider-unreachable": "The identity provider could not be reached. Try again in a moment.",
  expired: "That sign-in was not started in this browser, or took longer than 10 minutes. Sign in again.",
  failed: "The identity provider's answer could not be verified. Sign in again.",
  "email-taken": "Your e-mail address belongs to another Ferry account. Ask a platform admin.",
};

interface SignInPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function SignInPage({ searchParams }: SignInPageProps) {
  const params = await searchParams;
  const next = safeNextPath(first(params.next));
  const errorCode = first(params.error);
  const error = errorCode ? ERRORS[errorCode] : undefined;
  const settings = signInSettings();
  // The sign-in page must render even when the database is unreachable; it only greets, so a
  // failed lookup just means no greeting.
  const current = await getCurrentUser().catch(() => null);

  return (
    <div className="mx-auto flex max-w-lg flex-col justify-center gap-6 py-6 sm:min-h-[60vh]">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold text-gray-900">Sign in to Ferry</h1>
        <p className="text-sm text-gray-600">
          {settings.demo
            ? "Demo users: pick who you want to be. Each one sees what their role and teams allow."
            : "Sign in with your organisation's account; your groups decide your teams and role."}
        </p>
      </header>

      {error && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}

      {current && (
        <p className="text-sm text-gray-700">
          You are signed in as <strong>{current.name}</strong>.{" "}
          {settings.demo ? "Picking a user below switches to them." : "Signing in again refreshes your teams from your groups."}
        </p>
      )}

      {redirectSignIns(settings).map((provider) => (
        <a
          key={provider.id}
          href={`/signin/${provider.id}${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`}
          data-testid={`signin-${provider.id}`}
          className="rounded-lg bg-blue-700 px-4 py-3 text-center font-medium text-white shadow-sm hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
        >
          Sign in with {provider.label}
        </a>
      ))}

      {settings.demo && (
        <form action={signIn} aria-label="Sign in as a demo user">
          <input type="hidden" name="next" value={next} />
          <ul className="flex flex-col gap-3">
            {DEMO_USERS.map((user) => (
              <li key={user.id}>
                <button
                  type="submit"
                  name="userId"
                  value={user.id}
                  className="flex w-full flex-col items-start gap-0.5 rounded-lg border border-gray-300 bg-white px-4 py-3 text-left shadow-sm hover:border-blue-500 hover:bg-blue-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
                >
                  <span className="font-medium text-gray-900">{user.name}</span>
                  <span className="text-sm text-gray-600">
                    {capitalize(describeRole(user.role))}
                    {" · "}
                    {user.teams.length > 0 ? `teams: ${user.teams.join(", ")}` : "no team"}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </form>
      )}
    </div>
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
