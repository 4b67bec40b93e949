-- CreateTable
CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "uid" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "name" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "uid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME,
    "revokedAt" DATETIME,
    "lastUsedAt" DATETIME,
    CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Storage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "uid" TEXT NOT NULL,
    "root" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "region" TEXT,
    "description" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" INTEGER NOT NULL,
    CONSTRAINT "Storage_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Transform" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "trashedAt" DATETIME,
    "createdById" INTEGER NOT NULL,
    CONSTRAINT "Transform_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TransformPredecessor" (
    "successorId" INTEGER NOT NULL,
    "predecessorId" INTEGER NOT NULL,

    PRIMARY KEY ("successorId", "predecessorId"),
    CONSTRAINT "TransformPredecessor_successorId_fkey" FOREIGN KEY ("successorId") REFERENCES "Transform" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TransformPredecessor_predecessorId_fkey" FOREIGN KEY ("predecessorId") REFERENCES "Transform" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Run" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "uid" TEXT NOT NULL,
    "transformId" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'STARTED',
    "reportId" INTEGER,
    "environmentId" INTEGER,
    "isConsecutive" BOOLEAN,
    "reference" TEXT,
    "referenceType" TEXT,
    "initiatedById" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trashedAt" DATETIME,
    "createdById" INTEGER NOT NULL,
    CONSTRAINT "Run_transformId_fkey" FOREIGN KEY ("transformId") REFERENCES "Transform" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Artifact" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Artifact" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_initiatedById_fkey" FOREIGN KEY ("initiatedById") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "trashedAt" DATETIME,
    "createdById" INTEGER NOT NULL,
    CONSTRAINT "Artifact_storageId_fkey" FOREIGN KEY ("storageId") REFERENCES "Storage" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Artifact_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Artifact_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Collection" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "trashedAt" DATETIME,
    "createdById" INTEGER NOT NULL,
    CONSTRAINT "Collection_metaArtifactId_fkey" FOREIGN KEY ("metaArtifactId") REFERENCES "Artifact" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Collection_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Collection_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CollectionArtifact" (
    "collectionId" INTEGER NOT NULL,
    "artifactId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("collectionId", "artifactId"),
    CONSTRAINT "CollectionArtifact_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "Collection" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CollectionArtifact_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunInputArtifact" (
    "runId" INTEGER NOT NULL,
    "artifactId" INTEGER NOT NULL,

    PRIMARY KEY ("runId", "artifactId"),
    CONSTRAINT "RunInputArtifact_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RunInputArtifact_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunInputCollection" (
    "runId" INTEGER NOT NULL,
    "collectionId" INTEGER NOT NULL,

    PRIMARY KEY ("runId", "collectionId"),
    CONSTRAINT "RunInputCollection_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RunInputCollection_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "Collection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ArtifactRecreatingRun" (
    "artifactId" INTEGER NOT NULL,
    "runId" INTEGER NOT NULL,

    PRIMARY KEY ("artifactId", "runId"),
    CONSTRAINT "ArtifactRecreatingRun_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ArtifactRecreatingRun_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Param" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "dtype" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" INTEGER NOT NULL,
    CONSTRAINT "Param_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ParamValue" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "paramId" INTEGER NOT NULL,
    "value" JSONB NOT NULL,
    "hash" TEXT NOT NULL,
    "valueNumber" REAL,
    "valueText" TEXT,
    "valueDate" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" INTEGER NOT NULL,
    CONSTRAINT "ParamValue_paramId_fkey" FOREIGN KEY ("paramId") REFERENCES "Param" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ParamValue_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunParamValue" (
    "runId" INTEGER NOT NULL,
    "paramValueId" INTEGER NOT NULL,

    PRIMARY KEY ("runId", "paramValueId"),
    CONSTRAINT "RunParamValue_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RunParamValue_paramValueId_fkey" FOREIGN KEY ("paramValueId") REFERENCES "ParamValue" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ArtifactParamValue" (
    "artifactId" INTEGER NOT NULL,
    "paramValueId" INTEGER NOT NULL,

    PRIMARY KEY ("artifactId", "paramValueId"),
    CONSTRAINT "ArtifactParamValue_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ArtifactParamValue_paramValueId_fkey" FOREIGN KEY ("paramValueId") REFERENCES "ParamValue" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
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

