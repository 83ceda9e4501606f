export { GitRepository, type GitRepositoryOptions } from "./git-repository";
