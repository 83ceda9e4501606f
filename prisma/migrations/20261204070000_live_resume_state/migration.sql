-- AlterTable
ALTER TABLE "LiveSource" ADD COLUMN     "resumeState" JSONB;
