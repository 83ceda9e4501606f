-- AlterTable
ALTER TABLE "User" ADD COLUMN     "providerGrant" TEXT,
ADD COLUMN     "groupsRefreshedAt" TIMESTAMP(3);
