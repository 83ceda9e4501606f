export { GitLabRepository, type GitLabRepositoryOptions } from "./repository";
export { createGitLabRepository } from "./from-config";
export { parseGitLabUrl, normaliseProjectUrl, GitLabLocationError, type GitLabLocation } from "./location";
