"use client";

import { useState } from "react";
import { onboardTenant, previewTenant } from "@/app/tenants/actions";
import { Field, inputClass } from "./field";
import { PresetField, PreviewButton } from "./preset-field";
import { ScaffoldActions } from "./scaffold-actions";
import { useScaffold } from "./use-scaffold";

export interface TenantFormProps {
  repositories: { name: string; provider: string }[];
  defaultPlatform: string;
  environments: string[];
  presets: { value: string; label: string }[];
  defaultCluster: string;
}

interface EnvRow {
  name: string;
  included: boolean;
  cluster: string;
  namespace: string;
  /** Until edited, the namespace follows the tenant name (`<name>-<env>`). */
  touched: boolean;
}

export function TenantForm(props: TenantFormProps) {
  const [repository, setRepository] = useState(props.defaultPlatform);
  const [name, setName] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [owners, setOwners] = useState("");
  const [envs, setEnvs] = useState<EnvRow[]>(props.environments.map((e) => ({ name: e, included: true, cluster: props.defaultCluster, namespace: "", touched: false })));
  const [appsRepository, setAppsRepository] = useState(props.repositories.find((r) => r.name !== props.defaultPlatform)?.name ?? props.defaultPlatform);
  const [newRepository, setNewRepository] = useState(false);
  const [appsPath, setAppsPath] = useState("");
  const [preset, setPreset] = useState("auto");

  const included = envs.filter((e) => e.included);
  const input = () => ({
    repository,
    name,
    displayName,
    owners,
    environments: included.map((e) => ({ name: e.name, cluster: e.cluster, namespace: e.touched ? e.namespace : `${name}-${e.name}` })),
    apps: { repository: appsRepository, path: appsPath || (name ? `${name}` : ""), newRepository },
    preset,
  });
  const s = useScaffold(previewTenant, onboardTenant, input());
  const err = (k: string) => s.fieldErrors[k];
  // Environment errors are keyed by the position among the included environments.
  const envErr = (row: EnvRow, field: string) => {
    const i = included.indexOf(row);
    return i < 0 ? undefined : err(`environments.${i}.${field}`);
  };
  const update = (i: number, patch: Partial<EnvRow>) => setEnvs((rows) => rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        s.runPreview(input());
      }}
      data-testid="tenant-form"
    >
      <div className="grid gap-4 md:grid-cols-2">
        <Field id="name" label="Name" error={err("name")} hint="Lowercase DNS label, e.g. billing. Used in namespaces, folders and branch names.">
          <input id="name" value={name} onChange={(e) => setName(e.target.value)} className={inputClass} aria-invalid={!!err("name")} autoComplete="off" />
        </Field>
        <Field id="displayName" label="Display name" error={err("displayName")}>
          <input id="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} className={inputClass} aria-invalid={!!err("displayName")} />
        </Field>
        <Field id="owners" label="Owners" error={err("owners") ?? Object.entries(s.fieldErrors).find(([k]) => k.startsWith("owners."))?.[1]} hint="User ids or emails, separated by commas.">
          <input id="owners" value={owners} onChange={(e) => setOwners(e.target.value)} className={inputClass} aria-invalid={!!err("owners")} />
        </Field>
        <Field id="repository" label="Platform repository" error={err("repository")} hint="Where tenants are declared.">
          <select id="repository" value={repository} onChange={(e) => setRepository(e.target.value)} className={inputClass}>
            {props.repositories.map((r) => (
              <option key={r.name}>{r.name}</option>
            ))}
          </select>
        </Field>
      </div>

      <fieldset className="flex flex-col gap-2">
        <legend className="text-sm font-medium text-slate-700">Environments</legend>
        {err("environments") ? (
          <p role="alert" className="text-xs text-red-700">
            {err("environments")}
          </p>
        ) : null}
        {envs.map((row, i) => (
          <div key={row.name} className="grid items-start gap-2 md:grid-cols-[10rem_1fr_1fr]">
            <label className="flex items-center gap-2 pt-6 text-sm">
              <input type="checkbox" checked={row.included} onChange={(e) => update(i, { included: e.target.checked })} aria-label={`Include ${row.name}`} />
              {row.name}
            </label>
            <Field id={`cluster-${row.name}`} label={`Cluster (${row.name})`} error={envErr(row, "cluster")}>
              <input id={`cluster-${row.name}`} value={row.cluster} disabled={!row.included} onChange={(e) => update(i, { cluster: e.target.value })} className={inputClass} />
            </Field>
            <Field id={`namespace-${row.name}`} label={`Namespace (${row.name})`} error={envErr(row, "namespace")}>
              <input
                id={`namespace-${row.name}`}
                value={row.touched ? row.namespace : name ? `${name}-${row.name}` : ""}
                disabled={!row.included}
                onChange={(e) => update(i, { namespace: e.target.value, touched: true })}
                className={inputClass}
              />
            </Field>
          </div>
        ))}
      </fieldset>

      <fieldset className="grid gap-4 md:grid-cols-3">
        <legend className="mb-2 text-sm font-medium text-slate-700">Where the tenant&apos;s apps live</legend>
        <Field id="appsRepository" label="Repository" error={err("apps.repository")}>
          <select id="appsRepository" value={newRepository ? "__new" : appsRepository} onChange={(e) => (e.target.value === "__new" ? setNewRepository(true) : (setNewRepository(false), setAppsRepository(e.target.value)))} className={inputClass}>
            {props.repositories.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
            <option value="__new">A new repository…</option>
          </select>
        </Field>
        {newRepository ? (
          <Field id="newRepositoryName" label="New repository name" error={err("apps.repository")}>
            <input id="newRepositoryName" value={appsRepository} onChange={(e) => setAppsRepository(e.target.value)} className={inputClass} />
          </Field>
        ) : null}
        <Field id="appsPath" label="Folder" error={err("apps.path")} hint="Folder in that repository, e.g. apps or teams/billing. Defaults to the tenant name.">
          <input id="appsPath" value={appsPath} onChange={(e) => setAppsPath(e.target.value)} placeholder={name || "folder"} className={inputClass} />
        </Field>
      </fieldset>

      <PresetField value={preset} onChange={setPreset} presets={props.presets} error={err("preset")} hint="Detected from the platform repository; its .ferry/templates/tenant/ win over the built-in presets." />

      <PreviewButton pending={s.pending} />
      <ScaffoldActions result={s.result} outcome={s.outcome} notice={s.notice} pending={s.pending} stale={s.stale} onConfirm={s.confirm} />
    </form>
  );
}
