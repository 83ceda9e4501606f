// Decides whether a version value pins one release. Floating values are shown, never "resolved".

const BRANCH_REFS = new Set(["main", "master", "head", "develop", "devel", "development", "trunk", "latest", "stable", "edge", "nightly"]);

/** A semver range rather than one version: `>=1.0.0`, `6.x`, `*`, `~1.2`, `^2`, `1.2 - 1.4`, `>=1 <2`. */
export function isSemverRange(value: string): boolean {
  const v = value.trim();
  if (v === "" || v === "*" || /^[xX]$/.test(v)) return true;
  if (/^[~^<>=]/.test(v)) return true;
  if (/\|\|/.test(v) || /\s-\s/.test(v) || /\s[<>=~^]/.test(v)) return true;
  // 6.x, 1.2.*, 1.X
  if (/^v?\d+(\.(\d+|[xX*]))*$/.test(v) && /[xX*]/.test(v)) return true;
  return false;
}

export function isBranchRef(value: string): boolean {
  return BRANCH_REFS.has(value.trim().toLowerCase());
}

/**
 * Image tag (digest handled by the caller): missing, `latest` or a tag CI moves on every build floats:
 * `latest` as a word of it (`prod-latest`, `latest-alpine`) or a branch name (`main`, `develop`, `edge`).
 */
export function isFloatingImageTag(tag: string | null | undefined, digest?: string | null): boolean {
  if (digest) return false;
  if (!tag) return true;
  return /(^|[-_.])latest([-_.]|$)/i.test(tag) || isBranchRef(tag) || isSemverRange(tag);
}

/** Chart version: missing, `*`, or a range floats. */
export function isFloatingChartVersion(version: string | null | undefined): boolean {
  if (!version) return true;
  return isSemverRange(version) || version === "latest";
}

/** Git revision: missing, `HEAD`, a branch name, or a semver range floats; a tag or SHA pins. */
export function isFloatingGitRevision(revision: string | null | undefined): boolean {
  if (!revision) return true;
  if (isBranchRef(revision)) return true;
  if (/^refs\/heads\//.test(revision)) return true;
  return isSemverRange(revision);
}
