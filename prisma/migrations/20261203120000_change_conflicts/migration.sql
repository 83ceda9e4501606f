-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN     "conflict" BOOLEAN,
ADD COLUMN     "forgeUpdatedAt" TIMESTAMP(3),
ADD COLUMN     "replannedAt" TIMESTAMP(3),
ADD COLUMN     "replannedById" TEXT,
ADD COLUMN     "replannedOnSha" TEXT;
