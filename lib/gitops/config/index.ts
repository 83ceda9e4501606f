export { repoConfigSchema, configuredEnvironments } from "./schema";
export type { RepoConfig, RepoConfigInput, VersionFieldConfig, ConfiguredEnvironment } from "./schema";
export { parseRepoConfig, CONFIG_FILE } from "./parse-config";
export type { ConfigError, ParsedConfig } from "./parse-config";
