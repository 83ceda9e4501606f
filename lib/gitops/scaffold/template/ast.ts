// The template language, kept deliberately small: no expressions, no code, nothing to escape from.
//   {{ name }}  {{ env.name }}                 substitution (YAML-safe in .yaml files)
//   {{#each environments}} … {{/each}}          loop; the item is `env` (or `owner` for owners,
//   {{#each list as item}} … {{/each}}          else `item`), with `@index`/`@first`/`@last` helpers
//   {{#if x}} … {{else}} … {{/if}}             non-empty string/list, true
//   \{{                                         a literal "{{" (Helm, ApplicationSet templates)

export type Node =
  | { type: "text"; value: string; line: number }
  | { type: "var"; path: string[]; line: number }
  | { type: "each"; list: string[]; as: string; body: Node[]; line: number }
  | { type: "if"; path: string[]; negate: boolean; then: Node[]; otherwise: Node[]; line: number };
