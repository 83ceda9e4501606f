import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { DEFAULT_CONFIG_FILE } from "@/lib/config/repositories";
import { FerryStartupError } from "@/lib/db/errors";

// `auth:` in the portal's config file (FERRY_CONFIG, or ferry.config.yaml where Ferry runs): the same
// settings as the FERRY_AUTH / FERRY_OIDC_* / FERRY_POLICY_FILE variables, which win where both are
// set. Secrets never live here: the client secret comes from FERRY_OIDC_CLIENT_SECRET(_FILE).
//
//   auth:
//     providers: [oidc]
//     policyFile: policy.csv          # relative to this file
//     oidc:
//       issuer: https://keycloak.example.com/realms/acme
//       clientId: ferry
//       groupsClaim: groups
//       scopes: openid profile email groups
//       label: Keycloak

const authSchema = z.strictObject({
  providers: z.array(z.enum(["demo", "oidc"])).min(1).optional(),
  policyFile: z.string().min(1).optional(),
  oidc: z
    .strictObject({
      issuer: z.string().min(1),
      clientId: z.string().min(1),
      scopes: z.string().min(1).optional(),
      groupsClaim: z.string().min(1).optional(),
      label: z.string().min(1).optional(),
    })
    .optional(),
});

type Env = Record<string, string | undefined>;

/**
 * The environment with the config file's `auth:` settings filled in where the variables are unset.
 * A file that does not exist (and was not named by FERRY_CONFIG) adds nothing; one Ferry cannot read
 * is the repositories loader's to report.
 */
export function withFileSignInConfig(env: Env = process.env, cwd: string = process.cwd()): Env {
  const explicit = Boolean(env.FERRY_CONFIG?.trim());
  const file = path.resolve(cwd, explicit ? env.FERRY_CONFIG!.trim() : DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(/*turbopackIgnore: true*/ file, "utf8");
  } catch {
    return env;
  }
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch {
    return env;
  }
  const raw = doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>).auth : undefined;
  if (raw === undefined || raw === null) return env;
  if (raw && typeof raw === "object" && "oidc" in raw && raw.oidc && typeof raw.oidc === "object" && "clientSecret" in raw.oidc) {
    throw new FerryStartupError(`${file}: auth.oidc.clientSecret is not read from the config file`, "put the secret in FERRY_OIDC_CLIENT_SECRET or a file named by FERRY_OIDC_CLIENT_SECRET_FILE");
  }
  const parsed = authSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `auth.${i.path.join(".")}: ${i.message}`).join("; ");
    throw new FerryStartupError(`${file}: ${problems}`, "fix the auth: section (see the README, Sign-in and teams)");
  }
  const auth = parsed.data;
  const fromFile: Env = {
    FERRY_AUTH: auth.providers?.join(","),
    FERRY_POLICY_FILE: auth.policyFile ? path.resolve(path.dirname(file), auth.policyFile) : undefined,
    FERRY_OIDC_ISSUER: auth.oidc?.issuer,
    FERRY_OIDC_CLIENT_ID: auth.oidc?.clientId,
    FERRY_OIDC_SCOPES: auth.oidc?.scopes,
    FERRY_OIDC_GROUPS_CLAIM: auth.oidc?.groupsClaim,
    FERRY_OIDC_LABEL: auth.oidc?.label,
  };
  const merged: Env = { ...env };
  for (const [name, value] of Object.entries(fromFile)) {
    if (value !== undefined && !env[name]?.trim()) merged[name] = value;
  }
  return merged;
}
