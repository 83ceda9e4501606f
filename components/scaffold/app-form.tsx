"use client";

import { useState } from "react";
import { createApp, previewApp } from "@/app/apps/new/actions";
import { Field, inputClass } from "./field";
import { PresetField, PreviewButton } from "./preset-field";
import { ScaffoldActions } from "./scaffold-actions";
import { useScaffold } from "./use-scaffold";

export interface AppFormProps {
  /** Repositories the person may add to, with the team each belongs to (null: several teams). */
  repositories: { name: string; team: string | null }[];
  teams: string[];
  environments: string[];
  presets: { value: string; label: string }[];
}

export function AppForm(props: AppFormProps) {
  const [repository, setRepository] = useState(props.repositories[0]?.name ?? "");
  const repoTeam = props.repositories.find((r) => r.name === repository)?.team ?? null;
  const [team, setTeam] = useState(repoTeam ?? props.teams[0] ?? "");
  const [name, setName] = useState("");
  const [image, setImage] = useState("");
  const [tag, setTag] = useState("");
  const [port, setPort] = useState("8080");
  const [envs, setEnvs] = useState<string[]>(props.environments);
  const [preset, setPreset] = useState("auto");
  const input = () => ({ repository, name, team, image, tag, port, environments: envs, preset });
  const s = useScaffold(previewApp, createApp, input());
  const err = (k: string) => s.fieldErrors[k] ?? Object.entries(s.fieldErrors).find(([key]) => key.startsWith(`${k}.`))?.[1];

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        s.runPreview(input());
      }}
      data-testid="app-form"
    >
      <div className="grid gap-4 md:grid-cols-2">
        <Field id="repository" label="Repository" error={err("repository")}>
          <select
            id="repository"
            value={repository}
            onChange={(e) => {
              setRepository(e.target.value);
              const t = props.repositories.find((r) => r.name === e.target.value)?.team;
              if (t) setTeam(t);
            }}
            className={inputClass}
          >
            {props.repositories.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
                {r.team ? ` (team ${r.team})` : ""}
              </option>
            ))}
          </select>
        </Field>
        <Field id="team" label="Team" error={err("team")}>
          <select id="team" value={team} onChange={(e) => setTeam(e.target.value)} className={inputClass} disabled={repoTeam !== null}>
            {props.teams.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field id="name" label="App name" error={err("name")} hint="Lowercase DNS label starting with a letter, e.g. refunds.">
          <input id="name" value={name} onChange={(e) => setName(e.target.value)} className={inputClass} aria-invalid={!!err("name")} autoComplete="off" />
        </Field>
        <Field id="port" label="Port" error={err("port")}>
          <input id="port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} className={inputClass} aria-invalid={!!err("port")} />
        </Field>
        <Field id="image" label="Image" error={err("image")} hint="Without tag, e.g. ghcr.io/acme/refunds.">
          <input id="image" value={image} onChange={(e) => setImage(e.target.value)} className={inputClass} aria-invalid={!!err("image")} />
        </Field>
        <Field id="tag" label="Tag" error={err("tag")}>
          <input id="tag" value={tag} onChange={(e) => setTag(e.target.value)} className={inputClass} aria-invalid={!!err("tag")} />
        </Field>
      </div>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="mb-1 font-medium text-slate-700">Environments</legend>
        {props.environments.map((env) => (
          <label key={env} className="flex items-center gap-1">
            <input type="checkbox" checked={envs.includes(env)} onChange={(e) => setEnvs((list) => (e.target.checked ? props.environments.filter((x) => x === env || list.includes(x)) : list.filter((x) => x !== env)))} />
            {env}
          </label>
        ))}
        {err("environments") ? (
          <p role="alert" className="w-full text-xs text-red-700">
            {err("environments")}
          </p>
        ) : null}
      </fieldset>
      <PresetField value={preset} onChange={setPreset} presets={props.presets} hint="Detected from the repository; its .ferry/templates/app/ win over the built-in presets." />
      <PreviewButton pending={s.pending} />
      <ScaffoldActions result={s.result} outcome={s.outcome} notice={s.notice} pending={s.pending} stale={s.stale} onConfirm={s.confirm} />
    </form>
  );
}
