-- AlterTable
ALTER TABLE "Transform" ADD COLUMN "facets" JSONB;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "facets" JSONB;

-- AlterTable
ALTER TABLE "Artifact" ADD COLUMN "facets" JSONB;

-- CreateTable
CREATE TABLE "OpenLineageRun" (
    "reference" TEXT NOT NULL PRIMARY KEY,
    "runId" INTEGER NOT NULL,
    "jobKey" TEXT NOT NULL,
    "firstEventAt" DATETIME,
    "terminalEventAt" DATETIME,
    "facetTimes" JSONB,
    CONSTRAINT "OpenLineageRun_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OpenLineageInput" (
    "runId" INTEGER NOT NULL,
    "stem" TEXT NOT NULL,
    "readAt" DATETIME NOT NULL,

    PRIMARY KEY ("runId", "stem"),
    CONSTRAINT "OpenLineageInput_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ArtifactAlias" (
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "stem" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("namespace", "name")
);

-- CreateIndex
CREATE UNIQUE INDEX "OpenLineageRun_runId_key" ON "OpenLineageRun"("runId");

-- CreateIndex
CREATE INDEX "OpenLineageInput_stem_idx" ON "OpenLineageInput"("stem");

-- CreateIndex
CREATE INDEX "ArtifactAlias_stem_idx" ON "ArtifactAlias"("stem");

