import { parse } from "yaml";

// Safe inside a plain YAML scalar wherever it stands: starts with a letter or digit, and a ":" is
// never followed by a space or the end (URLs such as https://kubernetes.default.svc stay plain).
const SAFE_FRAGMENT = /^[A-Za-z0-9](?:[A-Za-z0-9._/@+~-]|:(?=[A-Za-z0-9/]))*$/;
// YAML 1.1 booleans that YAML 1.2 reads as strings: other tools (kubectl, older parsers) may not.
const YAML11_SPECIAL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

export function isSafeFragment(value: string): boolean {
  return SAFE_FRAGMENT.test(value);
}

/** A value standing alone as a scalar would be read as something else than this string (`true`, `1.10`, `null`). */
export function isAmbiguousScalar(value: string): boolean {
  if (YAML11_SPECIAL.test(value)) return true;
  try {
    return parse(value) !== value;
  } catch {
    return true;
  }
}

/** Double-quoted YAML scalar: JSON's escapes are a subset of YAML's, so this always round-trips. */
export function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
