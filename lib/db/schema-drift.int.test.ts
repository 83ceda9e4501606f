import { readFile } from "node:fs/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing/test-db.ts";
import { listAfter, parsePrismaSchema, type PrismaSchema } from "./testing/prisma-schema.ts";

// `prisma migrate diff` cannot run offline, so this compares schema.prisma with the database the
// hand-written migrations produce, in the terms Prisma's own diff would use: a schema change
// without a matching migration (or a migration with a typo) fails here.
let db: TestDatabase;
let client: pg.Client;
let schema: PrismaSchema;

beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
  schema = parsePrismaSchema(await readFile(new URL("../../prisma/schema.prisma", import.meta.url), "utf8"));
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const SCALAR_UDT: Record<string, string> = { String: "text", Int: "int4", Boolean: "bool", DateTime: "timestamp", Json: "jsonb", Float: "float8", BigInt: "int8" };

async function rows<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, params)).rows;
}

describe("the migrated database matches prisma/schema.prisma", () => {
  it("has exactly the schema's tables", async () => {
    const tables = await rows<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(schema.models.map((m) => m.name).sort());
  });

  it("has the schema's enums with their values in order", async () => {
    const found = await rows<{ name: string; values: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1`,
    );
    expect(Object.fromEntries(found.map((e) => [e.name, e.values]))).toEqual(Object.fromEntries(schema.enums));
  });

  it("has every field as a column of the right type, nullability and default", async () => {
    for (const model of schema.models) {
      const columns = await rows<{ column_name: string; udt_name: string; is_nullable: string; column_default: string | null; datetime_precision: number | null }>(
        `SELECT column_name, udt_name, is_nullable, column_default, datetime_precision
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [model.name],
      );
      const expected = model.fields
        .filter((f) => SCALAR_UDT[f.type] || schema.enums.has(f.type))
        .map((f) => {
          const base = SCALAR_UDT[f.type] ?? f.type;
          const autoincrement = f.attributes.includes("@default(autoincrement())");
          return {
            column_name: f.name,
            udt_name: f.list ? `_${base}` : base,
            // Prisma never puts NOT NULL on a list column.
            is_nullable: f.optional || f.list ? "YES" : "NO",
            column_default: autoincrement ? `nextval('"${model.name}_${f.name}_seq"'::regclass)` : f.attributes.includes("@default(") ? "(some default)" : null,
            datetime_precision: f.type === "DateTime" && !f.list ? 3 : null,
          };
        });
      const actual = columns.map((c) => ({
        ...c,
        column_default: c.column_default === null || c.column_default.startsWith("nextval(") ? c.column_default : "(some default)",
        datetime_precision: c.udt_name === "timestamp" ? c.datetime_precision : null,
      }));
      // Column order is not part of the comparison: ALTER TABLE appends, and Prisma's diff ignores order.
      const byName = (a: { column_name: string }, b: { column_name: string }) => a.column_name.localeCompare(b.column_name);
      expect(actual.sort(byName), `columns of ${model.name}`).toEqual(expected.sort(byName));
    }
  });

  it("has Prisma's primary keys, unique indexes, indexes and foreign keys by name", async () => {
    const expectedIndexes: string[] = [];
    const expectedForeignKeys: string[] = [];
    for (const model of schema.models) {
      for (const field of model.fields) {
        if (field.attributes.includes("@id")) expectedIndexes.push(`${model.name}_pkey (${field.name}) unique`);
        if (field.attributes.includes("@unique")) expectedIndexes.push(`${model.name}_${field.name}_key (${field.name}) unique`);
        if (field.attributes.includes("@relation(")) {
          const [column] = listAfter(field.attributes, "fields:");
          const onDelete = /onDelete:\s*(\w+)/.exec(field.attributes)?.[1] ?? (field.optional ? "SetNull" : "Restrict");
          const rule = { Cascade: "CASCADE", SetNull: "SET NULL", Restrict: "RESTRICT", NoAction: "NO ACTION", SetDefault: "SET DEFAULT" }[onDelete];
          expectedForeignKeys.push(`${model.name}_${column}_fkey ${model.name}(${column}) -> ${field.type} ON DELETE ${rule} ON UPDATE CASCADE`);
        }
      }
      for (const attribute of model.blockAttributes) {
        const columns = listAfter(attribute, "(");
        if (attribute.startsWith("@@id(")) expectedIndexes.push(`${model.name}_pkey (${columns.join(", ")}) unique`);
        if (attribute.startsWith("@@unique(")) expectedIndexes.push(`${model.name}_${columns.join("_")}_key (${columns.join(", ")}) unique`);
        if (attribute.startsWith("@@index(")) expectedIndexes.push(`${model.name}_${columns.join("_")}_idx (${columns.join(", ")})`);
      }
    }

    // The reader above must have understood the schema, or the comparisons below prove nothing.
    expect(expectedIndexes).toContain("App_repositoryId_name_key (repositoryId, name) unique");
    expect(expectedIndexes).toContain("TeamMember_pkey (userId, teamId) unique");
    expect(expectedForeignKeys).toContain("App_teamId_fkey App(teamId) -> Team ON DELETE SET NULL ON UPDATE CASCADE");

    const indexes = await rows<{ line: string }>(
      `SELECT i.relname || ' (' || string_agg(a.attname, ', ' ORDER BY k.ord) || ')' || CASE WHEN x.indisunique THEN ' unique' ELSE '' END AS line
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
        GROUP BY i.relname, x.indisunique`,
    );
    expect(indexes.map((r) => r.line).sort()).toEqual(expectedIndexes.sort());

    const foreignKeys = await rows<{ line: string }>(
      `SELECT c.conname || ' ' || t.relname || '(' || a.attname || ') -> ' || r.relname
              || ' ON DELETE ' || CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' WHEN 'a' THEN 'NO ACTION' ELSE 'SET DEFAULT' END
              || ' ON UPDATE ' || CASE c.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' WHEN 'a' THEN 'NO ACTION' ELSE 'SET DEFAULT' END AS line
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_class r ON r.oid = c.confrelid
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f'`,
    );
    expect(foreignKeys.map((r) => r.line).sort()).toEqual(expectedForeignKeys.sort());
  });
});
