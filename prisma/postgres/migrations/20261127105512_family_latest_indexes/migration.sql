-- DropIndex
DROP INDEX "Transform_name_idx";

-- DropIndex
DROP INDEX "Transform_key_idx";

-- DropIndex
DROP INDEX "Artifact_storageId_key_idx";

-- DropIndex
DROP INDEX "Collection_key_idx";

-- CreateIndex
CREATE INDEX "Transform_name_isLatest_idx" ON "Transform"("name", "isLatest");

-- CreateIndex
CREATE INDEX "Transform_key_isLatest_idx" ON "Transform"("key", "isLatest");

-- CreateIndex
CREATE INDEX "Artifact_storageId_key_isLatest_idx" ON "Artifact"("storageId", "key", "isLatest");

-- CreateIndex
CREATE INDEX "Collection_key_isLatest_idx" ON "Collection"("key", "isLatest");

