/** How the forge names a change request: GitHub "PR #12", GitLab "MR !12", plain git "change #12". */
export function changeLabel(provider: string, number: number | null, id: number): string {
  if (number === null) return `change #${id}`;
  if (provider === "github") return `PR #${number}`;
  if (provider === "gitlab") return `MR !${number}`;
  return `change #${number}`;
}
