export { GitHubRepository, createGitHubRepository, type GitHubRepositoryOptions } from "./repository";
export { normaliseRepositoryUrl, parseGitHubUrl } from "./location";
