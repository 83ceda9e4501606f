-- CreateTable
CREATE TABLE "DeploymentHistory" (
    "deploymentId" INTEGER NOT NULL,
    "headSha" TEXT NOT NULL,
    "entries" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeploymentHistory_pkey" PRIMARY KEY ("deploymentId")
);

-- CreateTable
CREATE TABLE "RollbackPin" (
    "appId" INTEGER NOT NULL,
    "environmentId" INTEGER NOT NULL,
    "version" TEXT NOT NULL,
    "commitSha" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "pinnedById" TEXT NOT NULL,
    "pinnedByName" TEXT NOT NULL,
    "pinnedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changeRequestId" INTEGER,

    CONSTRAINT "RollbackPin_pkey" PRIMARY KEY ("appId","environmentId")
);

-- CreateIndex
CREATE INDEX "RollbackPin_environmentId_idx" ON "RollbackPin"("environmentId");

-- AddForeignKey
ALTER TABLE "DeploymentHistory" ADD CONSTRAINT "DeploymentHistory_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackPin" ADD CONSTRAINT "RollbackPin_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackPin" ADD CONSTRAINT "RollbackPin_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
