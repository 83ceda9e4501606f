// Just enough of a schema.prisma reader for the drift test: models, fields with their attributes,
// block attributes, enums. Not a general parser; it fails loudly on what it does not understand.

export interface PrismaField {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  attributes: string;
}

export interface PrismaModel {
  name: string;
  fields: PrismaField[];
  blockAttributes: string[];
}

export interface PrismaSchema {
  models: PrismaModel[];
  enums: Map<string, string[]>;
}

export function parsePrismaSchema(text: string): PrismaSchema {
  const models: PrismaModel[] = [];
  const enums = new Map<string, string[]>();
  const blocks = text.replace(/\/\/.*$/gm, "").matchAll(/^(model|enum)\s+(\w+)\s*\{([^}]*)\}/gm);
  for (const [, kind, name, body] of blocks) {
    const lines = body!.split("\n").map((l) => l.trim()).filter(Boolean);
    if (kind === "enum") {
      enums.set(name!, lines.map((l) => l.split(/\s+/)[0]!));
      continue;
    }
    const model: PrismaModel = { name: name!, fields: [], blockAttributes: [] };
    for (const line of lines) {
      if (line.startsWith("@@")) {
        model.blockAttributes.push(line);
        continue;
      }
      const match = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!match) throw new Error(`cannot read field line in model ${name}: ${line}`);
      const [, fieldName, type, list, optional, attributes] = match;
      model.fields.push({ name: fieldName!, type: type!, list: !!list, optional: !!optional, attributes: attributes ?? "" });
    }
    models.push(model);
  }
  return { models, enums };
}

/** The names listed in `[a, b]` right after an attribute such as `@@index(` or `fields:`. */
export function listAfter(text: string, prefix: string): string[] {
  const at = text.indexOf(prefix);
  if (at < 0) return [];
  const open = text.indexOf("[", at);
  const close = text.indexOf("]", open);
  return text.slice(open + 1, close).split(",").map((s) => s.trim()).filter(Boolean);
}
