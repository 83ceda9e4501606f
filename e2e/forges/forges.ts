import { TEST_TOKEN } from "../../lib/scm/github/testing/token";

// The forge e2e run in one place: ports, URLs, credentials and repository names, read by the
// Playwright config (portal environment), the forge servers (serve-forges.ts) and the specs. Ports
// follow FERRY_E2E_PORT (+10 … +13), so a second checkout can move the whole run with one variable.

export function forgePorts(env: Record<string, string | undefined> = process.env) {
  const portal = Number(env.FERRY_E2E_PORT ?? 3100) + 10;
  return { portal, github: portal + 1, gitlab: portal + 2, control: portal + 3 };
}

export const GITHUB = {
  /** The portal's name for the repository. */
  repository: "payments-github",
  owner: "acme",
  repo: "gitops",
  defaultBranch: "main",
  token: TEST_TOKEN,
  webhookSecret: "e2e-github-webhook-secret",
} as const;

export const GITLAB = {
  repository: "payments-gitlab",
  projectPath: "acme/platform/gitops",
  defaultBranch: "main",
  token: "glpat-e2e-token-0123456789",
  webhookToken: "e2e-gitlab-webhook-token",
} as const;

/** Sign-in with GitHub and GitLab on this run's portal: the OAuth apps and who can sign in at each forge. */
export const OAUTH = {
  github: { clientId: "Iv1.e2e-ferry", clientSecret: "e2e-github-oauth-secret" },
  gitlab: { clientId: "e2e-ferry-gitlab-app", clientSecret: "e2e-gitlab-oauth-secret" },
  githubUsers: [{ id: 301, login: "octopay", name: "Octo Pay", email: "octo@acme.test", teams: [{ org: "acme", slug: "payments" }] }],
  gitlabUsers: [
    { id: 401, login: "gwen", name: "Gwen GitLab", email: "gwen@acme.test", groups: ["acme", "acme/payments"] },
    { id: 402, login: "olly", name: "Olly Outsider", email: "olly@acme.test", groups: ["contractors"] },
  ],
} as const;

export function forgeUrls(ports = forgePorts()) {
  const github = `http://127.0.0.1:${ports.github}`;
  const gitlab = `http://127.0.0.1:${ports.gitlab}`;
  return {
    portal: `http://localhost:${ports.portal}`,
    /** serve-forges.ts's own endpoints: /health, /violations, /requests, /deliveries. */
    control: `http://127.0.0.1:${ports.control}`,
    githubApi: `${github}/api/v3`,
    githubRepository: `${github}/${GITHUB.owner}/${GITHUB.repo}`,
    gitlab,
    gitlabProject: `${gitlab}/${GITLAB.projectPath}`,
  };
}

export type Forge = "github" | "gitlab";

/** A request a forge test server served (GET /requests). */
export interface ServedRequest {
  method: string;
  path: string;
  /** GitHub: the OpenAPI operationId; GitLab: null. */
  operation: string | null;
  /** A git smart HTTP request (a fetch: Ferry reads repositories over git), not an API call. */
  git: boolean;
}

/** A webhook the forge servers delivered to the portal (GET /deliveries). */
export interface SentDelivery {
  forge: Forge;
  event: string;
  id: string;
  /** The portal's answer; 0 when it could not be reached. */
  status: number;
  response: unknown;
}

/** What the test servers found wrong (GET /violations): GitHub OpenAPI violations, GitLab shape errors. */
export type Violations = Record<Forge, string[]>;
