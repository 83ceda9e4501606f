-- AlterTable
ALTER TABLE "App" ADD COLUMN     "searchText" TEXT NOT NULL DEFAULT '';
