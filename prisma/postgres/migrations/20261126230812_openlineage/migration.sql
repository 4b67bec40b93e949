-- AlterTable
ALTER TABLE "Transform" ADD COLUMN     "facets" JSONB;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "facets" JSONB;

-- AlterTable
ALTER TABLE "Artifact" ADD COLUMN     "facets" JSONB;

-- CreateTable
CREATE TABLE "OpenLineageRun" (
    "reference" TEXT NOT NULL,
    "runId" INTEGER NOT NULL,
    "jobKey" TEXT NOT NULL,
    "firstEventAt" TIMESTAMP(3),
    "terminalEventAt" TIMESTAMP(3),
    "facetTimes" JSONB,

    CONSTRAINT "OpenLineageRun_pkey" PRIMARY KEY ("reference")
);

-- CreateTable
CREATE TABLE "OpenLineageInput" (
    "runId" INTEGER NOT NULL,
    "stem" TEXT NOT NULL,
    "readAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OpenLineageInput_pkey" PRIMARY KEY ("runId","stem")
);

-- CreateTable
CREATE TABLE "ArtifactAlias" (
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "stem" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArtifactAlias_pkey" PRIMARY KEY ("namespace","name")
);

-- CreateIndex
CREATE UNIQUE INDEX "OpenLineageRun_runId_key" ON "OpenLineageRun"("runId");

-- CreateIndex
CREATE INDEX "OpenLineageInput_stem_idx" ON "OpenLineageInput"("stem");

-- CreateIndex
CREATE INDEX "ArtifactAlias_stem_idx" ON "ArtifactAlias"("stem");

-- AddForeignKey
ALTER TABLE "OpenLineageRun" ADD CONSTRAINT "OpenLineageRun_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OpenLineageInput" ADD CONSTRAINT "OpenLineageInput_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

