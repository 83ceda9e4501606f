-- AlterTable
ALTER TABLE "LiveApplication" ADD COLUMN     "healthSince" TIMESTAMP(3);
