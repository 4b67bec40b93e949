-- DropIndex
DROP INDEX "Run_transformId_idx";

-- CreateIndex
CREATE INDEX "Run_transformId_id_idx" ON "Run"("transformId", "id");

