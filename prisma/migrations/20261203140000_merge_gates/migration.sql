-- AlterTable
ALTER TABLE "Repository" ADD COLUMN     "draftChanges" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN     "mergeGates" JSONB;
