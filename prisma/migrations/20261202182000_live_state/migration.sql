-- CreateTable
CREATE TABLE "LiveSource" (
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "resourceVersion" TEXT,
    "lastContactAt" TIMESTAMP(3),
    "staleSince" TIMESTAMP(3),
    "lastError" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LiveSource_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "LiveApplication" (
    "sourceName" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sync" TEXT NOT NULL,
    "health" TEXT NOT NULL,
    "revision" TEXT,
    "images" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sources" JSONB NOT NULL,
    "destination" JSONB NOT NULL,
    "appliedAt" TIMESTAMP(3),
    "observedAt" TIMESTAMP(3) NOT NULL,
    "repository" TEXT,
    "app" TEXT,
    "env" TEXT,
    "unplacedReason" TEXT,

    CONSTRAINT "LiveApplication_pkey" PRIMARY KEY ("sourceName","key")
);

-- CreateIndex
CREATE INDEX "LiveApplication_repository_app_idx" ON "LiveApplication"("repository", "app");

-- AddForeignKey
ALTER TABLE "LiveApplication" ADD CONSTRAINT "LiveApplication_sourceName_fkey" FOREIGN KEY ("sourceName") REFERENCES "LiveSource"("name") ON DELETE CASCADE ON UPDATE CASCADE;
