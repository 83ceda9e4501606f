import { checkAppName, checkCluster, checkDisplayName, checkEnvName, checkFolder, checkImage, checkLabel, checkNamespace, checkOwner, checkTag, checkTenantName, type NameCheck } from "../names";
import type { PresetName } from "./presets";

/** Per-field messages, keyed like the form's fields: `name`, `owners.1`, `environments.0.namespace`. */
export type FieldErrors = Record<string, string>;

export interface TenantEnvironment {
  name: string;
  cluster: string;
  namespace: string;
}

export interface TenantRequest {
  name: string;
  displayName: string;
  owners: string[];
  environments: TenantEnvironment[];
  /** Where the tenant's apps live: a folder of a repository Ferry knows. */
  apps: { repository: string; path: string };
  /** Overrides the detected convention. */
  preset?: PresetName;
}

export interface AppRequest {
  name: string;
  team: string;
  image: string;
  tag: string;
  port: number;
  environments: string[];
  preset?: PresetName;
}

function collect(errors: FieldErrors, field: string, check: NameCheck): void {
  if (!check.ok && errors[field] === undefined) errors[field] = check.message;
}

function duplicates(values: readonly string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

/** Every problem of a tenant request, per field. Empty when the request may be planned. */
export function tenantRequestErrors(r: TenantRequest): FieldErrors {
  const errors: FieldErrors = {};
  collect(errors, "name", checkTenantName(r.name));
  collect(errors, "displayName", checkDisplayName(r.displayName));
  if (r.owners.length === 0) errors.owners = "Name at least one owner (a user id or an email address).";
  r.owners.forEach((o, i) => collect(errors, `owners.${i}`, checkOwner(o)));
  if (r.environments.length === 0) errors.environments = "Choose at least one environment.";
  r.environments.forEach((e, i) => {
    collect(errors, `environments.${i}.name`, checkEnvName(e.name));
    if (e.name === "base") errors[`environments.${i}.name`] ??= 'Environment cannot be "base": folders named base hold shared kustomize bases.';
    collect(errors, `environments.${i}.cluster`, checkCluster(e.cluster));
    collect(errors, `environments.${i}.namespace`, checkNamespace(e.namespace));
  });
  const dupEnv = duplicates(r.environments.map((e) => e.name))[0];
  if (dupEnv) errors.environments ??= `Environment ${dupEnv} is listed twice.`;
  const dupNs = duplicates(r.environments.map((e) => `${e.cluster} ${e.namespace}`))[0];
  if (dupNs) errors.environments ??= `Two environments use namespace ${dupNs.split(" ")[1]} on the same cluster.`;
  collect(errors, "apps.repository", checkLabel(r.apps.repository, { label: "Repository", reserved: false, max: 100 }));
  collect(errors, "apps.path", checkFolder(r.apps.path, "Apps folder"));
  return errors;
}

/** Every problem of an add-app request, per field. */
export function appRequestErrors(r: AppRequest): FieldErrors {
  const errors: FieldErrors = {};
  collect(errors, "name", checkAppName(r.name));
  collect(errors, "team", checkLabel(r.team, { label: "Team", reserved: false }));
  collect(errors, "image", checkImage(r.image));
  collect(errors, "tag", checkTag(r.tag));
  if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) errors.port = "Port must be a whole number from 1 to 65535.";
  if (r.environments.length === 0) errors.environments = "Choose at least one environment.";
  r.environments.forEach((e, i) => collect(errors, `environments.${i}`, checkEnvName(e)));
  const dup = duplicates(r.environments)[0];
  if (dup) errors.environments ??= `Environment ${dup} is listed twice.`;
  return errors;
}
