// How Ferry names a change request, portal-wide. Forge numbers are per repository (two repositories
// both have a "#1"), so every label carries its repository, in the forges' own cross-reference syntax:
// GitHub `repo#12`, GitLab `project!12`; plain git, whose numbers Ferry hands out per repository, `repo#12`.
// Repository names are unique in the portal and numbers unique per repository, so the label is
// unambiguous, and it is the reference a reviewer already uses on the forge.

export interface ChangeLabelInput {
  provider: string;
  /** The configured repository name (unique in the portal). */
  repository: string;
  /** PR number, MR iid or the plain-git sequence number; null before the forge numbered it. */
  number: number | null;
  /** The portal's own id (the /changes/<id> address). */
  id: number;
}

export function changeLabel({ provider, repository, number, id }: ChangeLabelInput): string {
  if (number === null) return `${repository} change ${id}`;
  return `${repository}${provider === "gitlab" ? "!" : "#"}${number}`;
}

/** The forge's word for it, for prose: "pull request", "merge request", "change request". */
export function changeNoun(provider: string): string {
  if (provider === "github") return "pull request";
  if (provider === "gitlab") return "merge request";
  return "change request";
}
