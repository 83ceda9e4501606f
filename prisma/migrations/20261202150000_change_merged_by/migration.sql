-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN     "closedById" TEXT,
ADD COLUMN     "mergedById" TEXT;

-- Existing data: who merged or closed a change through the portal is in the audit log (the last
-- successful change.merge / change.close of that change by a signed-in user).
UPDATE "ChangeRequest" AS c
SET "mergedById" = a."actorId"
FROM (
    SELECT DISTINCT ON ("resourceId") "resourceId", "actorId"
    FROM "AuditEvent"
    WHERE "action" = 'change.merge' AND "result" = 'ok' AND "actorKind" = 'user' AND "actorId" IS NOT NULL
    ORDER BY "resourceId", "at" DESC
) AS a
WHERE c."state" = 'MERGED' AND c."mergedById" IS NULL AND a."resourceId" = c."id"::text;

UPDATE "ChangeRequest" AS c
SET "closedById" = a."actorId"
FROM (
    SELECT DISTINCT ON ("resourceId") "resourceId", "actorId"
    FROM "AuditEvent"
    WHERE "action" = 'change.close' AND "result" = 'ok' AND "actorKind" = 'user' AND "actorId" IS NOT NULL
    ORDER BY "resourceId", "at" DESC
) AS a
WHERE c."state" = 'CLOSED' AND c."closedById" IS NULL AND a."resourceId" = c."id"::text;

-- Plain-git changes merged before mergeCommitSha was written kept the merge commit in headSha.
UPDATE "ChangeRequest" AS c
SET "mergeCommitSha" = c."headSha"
FROM "Repository" AS r
WHERE r."id" = c."repositoryId" AND r."provider" = 'git' AND c."state" = 'MERGED' AND c."mergeCommitSha" IS NULL AND c."headSha" IS NOT NULL;
