-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "expiresAt" TIMESTAMP(3);

-- Existing tokens never expired: they get the default lifetime from now, so CI keeps working while
-- their owners see the date on the tokens page and replace them.
UPDATE "ApiToken" SET "expiresAt" = CURRENT_TIMESTAMP + INTERVAL '90 days' WHERE "expiresAt" IS NULL AND "revokedAt" IS NULL;
