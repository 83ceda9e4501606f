import { z } from "zod";

// Shapes of the two GitLab REST API v4 endpoints sign-in reads, from GitLab's documentation
// (docs.gitlab.com/api/users/#get-the-current-user, /api/groups/#list-groups): the fields the test
// server sends, each with its documented type. Strict, like ./shapes.ts: nothing undocumented is sent.

const isoDate = z.iso.datetime({ offset: true });

/** GET /user with a read_user token (the signed-in user's own view, which includes `email`). */
export const currentUserShape = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  name: z.string(),
  state: z.enum(["active", "blocked", "deactivated"]),
  locked: z.boolean(),
  avatar_url: z.url().nullable(),
  web_url: z.url(),
  created_at: isoDate,
  public_email: z.string().nullable(),
  bot: z.boolean(),
  email: z.string(),
  commit_email: z.string(),
  two_factor_enabled: z.boolean(),
  external: z.boolean(),
  private_profile: z.boolean(),
});

/** One item of GET /groups. */
export const groupShape = z.strictObject({
  id: z.number().int(),
  web_url: z.url(),
  name: z.string(),
  path: z.string(),
  description: z.string(),
  visibility: z.enum(["private", "internal", "public"]),
  full_name: z.string(),
  full_path: z.string(),
  parent_id: z.number().int().nullable(),
  created_at: isoDate,
  avatar_url: z.url().nullable(),
});

/** The OAuth token endpoint's answer (Doorkeeper), and its errors (RFC 6749 §5.2). */
export const tokenShape = z.union([
  z.strictObject({ access_token: z.string(), token_type: z.literal("Bearer"), scope: z.string(), expires_in: z.number().int(), refresh_token: z.string(), created_at: z.number().int() }),
  z.strictObject({ error: z.string(), error_description: z.string() }),
]);
