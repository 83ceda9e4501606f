export { setScalar } from "./set-scalar";
export { appendToSequence } from "./append-to-sequence";
export { setKey, deleteKey } from "./set-key";
export { YamlEditError, type YamlEditErrorCode } from "./errors";
export { parseForEdit, valueAt, type EditPath } from "./locate";
export type { FlatItem } from "./render";
export { setEmbeddedYaml } from "./embedded-yaml";
export { setSpan, spanValue } from "./set-span";
