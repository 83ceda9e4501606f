-- AlterTable
ALTER TABLE "User" ADD COLUMN     "grants" JSONB,
ADD COLUMN     "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "lastSignInAt" TIMESTAMP(3),
ADD COLUMN     "provider" TEXT;
