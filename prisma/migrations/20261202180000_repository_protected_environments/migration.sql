-- AlterTable
ALTER TABLE "Repository" ADD COLUMN     "protectedEnvironments" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Existing data: until each repository syncs again (which rewrites its list from its own config), it
-- is taken to protect the protected environments it has cells in, so no protection is lost meanwhile.
UPDATE "Repository" AS r
SET "protectedEnvironments" = ARRAY(
    SELECT DISTINCT e."name"
    FROM "Environment" e
    JOIN "Deployment" d ON d."environmentId" = e."id"
    JOIN "App" a ON a."id" = d."appId"
    WHERE a."repositoryId" = r."id" AND e."protected"
    ORDER BY e."name"
);
