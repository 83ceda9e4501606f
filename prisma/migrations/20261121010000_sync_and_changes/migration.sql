-- AlterTable
ALTER TABLE "Repository" ADD COLUMN     "readErrors" JSONB,
ADD COLUMN     "readNotes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "drift" TEXT,
ADD COLUMN     "driftFields" JSONB,
ADD COLUMN     "files" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN     "baseBranch" TEXT,
ADD COLUMN     "labels" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "mergeCommitSha" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "ChangeRequest_repositoryId_number_key" ON "ChangeRequest"("repositoryId", "number");
