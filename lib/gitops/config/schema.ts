import { z } from "zod";

const environmentEntry = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), protected: z.boolean().optional() }),
]);

const versionField = z.strictObject({
  /** Glob of files (repo-relative) that hold the field. */
  file: z.string().min(1),
  /** Dotted path inside each document, e.g. `image.tag`. */
  path: z.string().min(1),
  kind: z.enum(["image", "chart", "git", "other"]).default("other"),
  name: z.string().min(1).optional(),
});

const pathTemplate = z
  .string()
  .min(1)
  .refine((t) => t.includes("{env}"), { message: "path template must contain {env}" });

export const repoConfigSchema = z.strictObject({
  /** Folder templates such as `apps/{app}/overlays/{env}`; `{app}` and `{env}` match one path segment. */
  paths: z.array(pathTemplate).optional(),
  environments: z.array(environmentEntry).optional(),
  /** Flux cluster (its folder name, e.g. `prod-eu`) → environment; unlisted clusters are their own environment. */
  clusters: z.record(z.string(), z.string().min(1)).optional(),
  /** team → app names or globs. */
  teams: z.record(z.string(), z.array(z.string().min(1))).optional(),
  versionFields: z.array(versionField).optional(),
  /** Globs of files a promotion never copies. */
  neverPromote: z.array(z.string().min(1)).optional(),
});

export type RepoConfigInput = z.input<typeof repoConfigSchema>;
export type RepoConfig = z.output<typeof repoConfigSchema>;
export type VersionFieldConfig = NonNullable<RepoConfig["versionFields"]>[number];

export interface ConfiguredEnvironment {
  name: string;
  protected: boolean;
}

export function configuredEnvironments(config: RepoConfig | undefined): ConfiguredEnvironment[] {
  return (config?.environments ?? []).map((e) => (typeof e === "string" ? { name: e, protected: false } : { name: e.name, protected: e.protected ?? false }));
}
