-- AlterTable
ALTER TABLE "Repository" ADD COLUMN     "archivedAt" TIMESTAMP(3);
