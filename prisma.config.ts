import { defineConfig } from "prisma/config";

// Prisma 7 takes the URL from here, not from the schema. Read the variable directly: the env()
// helper throws when it is unset, which would break `prisma generate` during `npm install`.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
