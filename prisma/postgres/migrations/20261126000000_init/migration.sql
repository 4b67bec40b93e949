-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "uid" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "name" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" SERIAL NOT NULL,
    "uid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Storage" (
    "id" SERIAL NOT NULL,
    "uid" TEXT NOT NULL,
    "root" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "region" TEXT,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" INTEGER NOT NULL,

    CONSTRAINT "Storage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Transform" (
    "id" SERIAL NOT NULL,
    "uid" TEXT NOT NULL,
    "stem" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT,
    "description" TEXT,
    "version" TEXT,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "type" TEXT NOT NULL DEFAULT 'pipeline',
    "sourceCode" TEXT,
    "hash" TEXT,
    "reference" TEXT,
    "referenceType" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "trashedAt" TIMESTAMP(3),
    "createdById" INTEGER NOT NULL,

    CONSTRAINT "Transform_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransformPredecessor" (
    "successorId" INTEGER NOT NULL,
    "predecessorId" INTEGER NOT NULL,

    CONSTRAINT "TransformPredecessor_pkey" PRIMARY KEY ("successorId","predecessorId")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" SERIAL NOT NULL,
    "uid" TEXT NOT NULL,
    "transformId" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'STARTED',
    "reportId" INTEGER,
    "environmentId" INTEGER,
    "isConsecutive" BOOLEAN,
    "reference" TEXT,
    "referenceType" TEXT,
    "initiatedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trashedAt" TIMESTAMP(3),
    "createdById" INTEGER NOT NULL,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" SERIAL NOT NULL,
    "uid" TEXT NOT NULL,
    "stem" TEXT NOT NULL,
    "key" TEXT,
    "description" TEXT,
    "storageId" INTEGER NOT NULL,
    "suffix" TEXT NOT NULL DEFAULT '',
    "type" TEXT,
    "otype" TEXT,
    "size" BIGINT,
    "hash" TEXT,
    "hashType" TEXT,
    "nObjects" INTEGER,
    "nObservations" BIGINT,
    "version" TEXT,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "runId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "trashedAt" TIMESTAMP(3),
    "createdById" INTEGER NOT NULL,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Collection" (
    "id" SERIAL NOT NULL,
    "uid" TEXT NOT NULL,
    "stem" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "description" TEXT,
    "version" TEXT,
    "isLatest" BOOLEAN NOT NULL DEFAULT true,
    "hash" TEXT,
    "reference" TEXT,
    "referenceType" TEXT,
    "metaArtifactId" INTEGER,
    "runId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "trashedAt" TIMESTAMP(3),
    "createdById" INTEGER NOT NULL,

    CONSTRAINT "Collection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CollectionArtifact" (
    "collectionId" INTEGER NOT NULL,
    "artifactId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "CollectionArtifact_pkey" PRIMARY KEY ("collectionId","artifactId")
);

-- CreateTable
CREATE TABLE "RunInputArtifact" (
    "runId" INTEGER NOT NULL,
    "artifactId" INTEGER NOT NULL,

    CONSTRAINT "RunInputArtifact_pkey" PRIMARY KEY ("runId","artifactId")
);

-- CreateTable
CREATE TABLE "RunInputCollection" (
    "runId" INTEGER NOT NULL,
    "collectionId" INTEGER NOT NULL,

    CONSTRAINT "RunInputCollection_pkey" PRIMARY KEY ("runId","collectionId")
);

-- CreateTable
CREATE TABLE "ArtifactRecreatingRun" (
    "artifactId" INTEGER NOT NULL,
    "runId" INTEGER NOT NULL,

    CONSTRAINT "ArtifactRecreatingRun_pkey" PRIMARY KEY ("artifactId","runId")
);

-- CreateTable
CREATE TABLE "Param" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "dtype" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" INTEGER NOT NULL,

    CONSTRAINT "Param_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ParamValue" (
    "id" SERIAL NOT NULL,
    "paramId" INTEGER NOT NULL,
    "value" JSONB NOT NULL,
    "hash" TEXT NOT NULL,
    "valueNumber" DOUBLE PRECISION,
    "valueText" TEXT,
    "valueDate" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" INTEGER NOT NULL,

    CONSTRAINT "ParamValue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunParamValue" (
    "runId" INTEGER NOT NULL,
    "paramValueId" INTEGER NOT NULL,

    CONSTRAINT "RunParamValue_pkey" PRIMARY KEY ("runId","paramValueId")
);

-- CreateTable
CREATE TABLE "ArtifactParamValue" (
    "artifactId" INTEGER NOT NULL,
    "paramValueId" INTEGER NOT NULL,

    CONSTRAINT "ArtifactParamValue_pkey" PRIMARY KEY ("artifactId","paramValueId")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_uid_key" ON "User"("uid");

-- CreateIndex
CREATE UNIQUE INDEX "User_handle_key" ON "User"("handle");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_uid_key" ON "ApiToken"("uid");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_secretHash_key" ON "ApiToken"("secretHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Storage_uid_key" ON "Storage"("uid");

-- CreateIndex
CREATE UNIQUE INDEX "Storage_root_key" ON "Storage"("root");

-- CreateIndex
CREATE INDEX "Storage_createdById_idx" ON "Storage"("createdById");

-- CreateIndex
CREATE UNIQUE INDEX "Transform_uid_key" ON "Transform"("uid");

-- CreateIndex
CREATE INDEX "Transform_stem_isLatest_idx" ON "Transform"("stem", "isLatest");

-- CreateIndex
CREATE INDEX "Transform_name_idx" ON "Transform"("name");

-- CreateIndex
CREATE INDEX "Transform_key_idx" ON "Transform"("key");

-- CreateIndex
CREATE INDEX "Transform_createdById_idx" ON "Transform"("createdById");

-- CreateIndex
CREATE INDEX "Transform_createdAt_idx" ON "Transform"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Transform_stem_version_key" ON "Transform"("stem", "version");

-- CreateIndex
CREATE INDEX "TransformPredecessor_predecessorId_idx" ON "TransformPredecessor"("predecessorId");

-- CreateIndex
CREATE UNIQUE INDEX "Run_uid_key" ON "Run"("uid");

-- CreateIndex
CREATE INDEX "Run_transformId_idx" ON "Run"("transformId");

-- CreateIndex
CREATE INDEX "Run_reportId_idx" ON "Run"("reportId");

-- CreateIndex
CREATE INDEX "Run_environmentId_idx" ON "Run"("environmentId");

-- CreateIndex
CREATE INDEX "Run_initiatedById_idx" ON "Run"("initiatedById");

-- CreateIndex
CREATE INDEX "Run_createdById_idx" ON "Run"("createdById");

-- CreateIndex
CREATE INDEX "Run_startedAt_idx" ON "Run"("startedAt");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_uid_key" ON "Artifact"("uid");

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_hash_key" ON "Artifact"("hash");

-- CreateIndex
CREATE INDEX "Artifact_stem_isLatest_idx" ON "Artifact"("stem", "isLatest");

-- CreateIndex
CREATE INDEX "Artifact_storageId_key_idx" ON "Artifact"("storageId", "key");

-- CreateIndex
CREATE INDEX "Artifact_key_idx" ON "Artifact"("key");

-- CreateIndex
CREATE INDEX "Artifact_runId_idx" ON "Artifact"("runId");

-- CreateIndex
CREATE INDEX "Artifact_createdById_idx" ON "Artifact"("createdById");

-- CreateIndex
CREATE INDEX "Artifact_createdAt_idx" ON "Artifact"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_stem_version_key" ON "Artifact"("stem", "version");

-- CreateIndex
CREATE UNIQUE INDEX "Collection_uid_key" ON "Collection"("uid");

-- CreateIndex
CREATE UNIQUE INDEX "Collection_hash_key" ON "Collection"("hash");

-- CreateIndex
CREATE INDEX "Collection_stem_isLatest_idx" ON "Collection"("stem", "isLatest");

-- CreateIndex
CREATE INDEX "Collection_key_idx" ON "Collection"("key");

-- CreateIndex
CREATE INDEX "Collection_metaArtifactId_idx" ON "Collection"("metaArtifactId");

-- CreateIndex
CREATE INDEX "Collection_runId_idx" ON "Collection"("runId");

-- CreateIndex
CREATE INDEX "Collection_createdById_idx" ON "Collection"("createdById");

-- CreateIndex
CREATE INDEX "Collection_createdAt_idx" ON "Collection"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Collection_stem_version_key" ON "Collection"("stem", "version");

-- CreateIndex
CREATE INDEX "CollectionArtifact_artifactId_idx" ON "CollectionArtifact"("artifactId");

-- CreateIndex
CREATE INDEX "RunInputArtifact_artifactId_idx" ON "RunInputArtifact"("artifactId");

-- CreateIndex
CREATE INDEX "RunInputCollection_collectionId_idx" ON "RunInputCollection"("collectionId");

-- CreateIndex
CREATE INDEX "ArtifactRecreatingRun_runId_idx" ON "ArtifactRecreatingRun"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Param_name_key" ON "Param"("name");

-- CreateIndex
CREATE INDEX "Param_createdById_idx" ON "Param"("createdById");

-- CreateIndex
CREATE INDEX "ParamValue_paramId_valueNumber_idx" ON "ParamValue"("paramId", "valueNumber");

-- CreateIndex
CREATE INDEX "ParamValue_paramId_valueText_idx" ON "ParamValue"("paramId", "valueText");

-- CreateIndex
CREATE INDEX "ParamValue_paramId_valueDate_idx" ON "ParamValue"("paramId", "valueDate");

-- CreateIndex
CREATE INDEX "ParamValue_createdById_idx" ON "ParamValue"("createdById");

-- CreateIndex
CREATE UNIQUE INDEX "ParamValue_paramId_hash_key" ON "ParamValue"("paramId", "hash");

-- CreateIndex
CREATE INDEX "RunParamValue_paramValueId_idx" ON "RunParamValue"("paramValueId");

-- CreateIndex
CREATE INDEX "ArtifactParamValue_paramValueId_idx" ON "ArtifactParamValue"("paramValueId");

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Storage" ADD CONSTRAINT "Storage_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Transform" ADD CONSTRAINT "Transform_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransformPredecessor" ADD CONSTRAINT "TransformPredecessor_successorId_fkey" FOREIGN KEY ("successorId") REFERENCES "Transform"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransformPredecessor" ADD CONSTRAINT "TransformPredecessor_predecessorId_fkey" FOREIGN KEY ("predecessorId") REFERENCES "Transform"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_transformId_fkey" FOREIGN KEY ("transformId") REFERENCES "Transform"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Artifact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Artifact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_initiatedById_fkey" FOREIGN KEY ("initiatedById") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_storageId_fkey" FOREIGN KEY ("storageId") REFERENCES "Storage"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Collection" ADD CONSTRAINT "Collection_metaArtifactId_fkey" FOREIGN KEY ("metaArtifactId") REFERENCES "Artifact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Collection" ADD CONSTRAINT "Collection_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Collection" ADD CONSTRAINT "Collection_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CollectionArtifact" ADD CONSTRAINT "CollectionArtifact_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "Collection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CollectionArtifact" ADD CONSTRAINT "CollectionArtifact_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunInputArtifact" ADD CONSTRAINT "RunInputArtifact_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunInputArtifact" ADD CONSTRAINT "RunInputArtifact_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunInputCollection" ADD CONSTRAINT "RunInputCollection_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunInputCollection" ADD CONSTRAINT "RunInputCollection_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "Collection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactRecreatingRun" ADD CONSTRAINT "ArtifactRecreatingRun_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactRecreatingRun" ADD CONSTRAINT "ArtifactRecreatingRun_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Param" ADD CONSTRAINT "Param_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParamValue" ADD CONSTRAINT "ParamValue_paramId_fkey" FOREIGN KEY ("paramId") REFERENCES "Param"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParamValue" ADD CONSTRAINT "ParamValue_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunParamValue" ADD CONSTRAINT "RunParamValue_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunParamValue" ADD CONSTRAINT "RunParamValue_paramValueId_fkey" FOREIGN KEY ("paramValueId") REFERENCES "ParamValue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactParamValue" ADD CONSTRAINT "ArtifactParamValue_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactParamValue" ADD CONSTRAINT "ArtifactParamValue_paramValueId_fkey" FOREIGN KEY ("paramValueId") REFERENCES "ParamValue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

