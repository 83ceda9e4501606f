/** What a template sees: strings, numbers, booleans and lists/maps of them. Never functions. */
export type TemplateValue = string | number | boolean | readonly TemplateValue[] | { readonly [key: string]: TemplateValue };
export type TemplateContext = { readonly [key: string]: TemplateValue };

export function isList(v: TemplateValue | undefined): v is readonly TemplateValue[] {
  return Array.isArray(v);
}

export function isMapValue(v: TemplateValue | undefined): v is { readonly [key: string]: TemplateValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Keys a template author may use at this level, for "unknown variable" messages. */
export function describeKeys(scope: TemplateContext): string {
  return Object.keys(scope)
    .filter((k) => !k.startsWith("@"))
    .sort()
    .join(", ");
}
