import { buildSchema, graphql, type GraphQLSchema } from "graphql";

// GitHub's GraphQL endpoint for the test server, executed by graphql-js against GitHub's own published
// schema (@octokit/graphql-schema): a query the schema does not accept, and an answer that does not fit
// it (a null where the schema says non-null, an enum value it does not list), come back as errors, and
// the server records them as violations, as it does for REST answers that break the OpenAPI description.

let schema: Promise<GraphQLSchema> | null = null;

/** Loaded on the first GraphQL request only: the package parses its 7 MB JSON form on import. */
function githubSchema(): Promise<GraphQLSchema> {
  // assumeValidSDL: the published SDL declares two Enterprise fields twice, which graphql-js's SDL check refuses.
  schema ??= import("@octokit/graphql-schema").then(({ schema: published }) => buildSchema(published.idl, { assumeValidSDL: true }));
  return schema;
}

/** What the server exposes to queries: a pull request as GraphQL objects (fields, or functions of their arguments). */
export interface GraphqlHost {
  owner: string;
  repo: string;
  pullGraph(number: number): Record<string, unknown> | null;
  /** Mutations the server carries out (root fields of the Mutation type), by name; they throw GraphqlRefusal to refuse. */
  mutations?: Record<string, (args: { input: Record<string, unknown> }) => unknown>;
}

/** GitHub answers an unknown node with data: null there and an error of type NOT_FOUND. */
class NotFound extends Error {}

/** A refusal GitHub answers as an error beside data (e.g. UNPROCESSABLE "Pull request is in clean status"): not a violation. */
export class GraphqlRefusal extends Error {
  constructor(
    readonly type: "UNPROCESSABLE" | "NOT_FOUND" | "FORBIDDEN",
    message: string,
  ) {
    super(message);
  }
}

export async function executeGraphql(host: GraphqlHost, body: unknown): Promise<{ status: number; body: unknown; violations: string[] }> {
  const request = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown>; operationName?: string };
  if (typeof request.query !== "string") return { status: 400, body: { message: "A query attribute must be specified and must be a string." }, violations: ["graphql: no query"] };
  const repository = ({ owner, name }: { owner: string; name: string }) => {
    if (owner.toLowerCase() !== host.owner.toLowerCase() || name.toLowerCase() !== host.repo.toLowerCase()) throw new NotFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
    return {
      nameWithOwner: `${host.owner}/${host.repo}`,
      pullRequest: ({ number }: { number: number }) => {
        const pull = host.pullGraph(number);
        if (!pull) throw new NotFound(`Could not resolve to a PullRequest with the number of ${number}.`);
        return pull;
      },
    };
  };
  const result = await graphql({ schema: await githubSchema(), source: request.query, variableValues: request.variables, operationName: request.operationName, rootValue: { repository, ...host.mutations } });
  const violations: string[] = [];
  const errors = (result.errors ?? []).map((error) => {
    if (error.originalError instanceof NotFound) return { type: "NOT_FOUND", path: error.path, locations: error.locations, message: error.message };
    if (error.originalError instanceof GraphqlRefusal) return { type: error.originalError.type, path: error.path, locations: error.locations, message: error.message };
    violations.push(`graphql: ${error.message}${error.path ? ` at ${error.path.join(".")}` : ""}`);
    return { message: error.message, locations: error.locations, path: error.path };
  });
  return { status: 200, body: { data: result.data ?? null, ...(errors.length ? { errors } : {}) }, violations };
}
