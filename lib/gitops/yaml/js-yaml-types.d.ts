// js-yaml exports its built-in types at runtime (index.js: `module.exports.types`) for building
// schemas, but @types/js-yaml does not declare them; these are the ones parse.ts uses.
import "js-yaml";

declare module "js-yaml" {
  export const types: {
    null: Type;
    bool: Type;
    int: Type;
    float: Type;
  };
}
