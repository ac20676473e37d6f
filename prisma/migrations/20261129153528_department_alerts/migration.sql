-- CreateTable
CREATE TABLE "DepartmentImport" (
    "id" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "uploadedById" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "leadsCreated" INTEGER NOT NULL DEFAULT 0,
    "evidenceAdded" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "DepartmentImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DepartmentAlert" (
    "id" TEXT NOT NULL,
    "naturalKey" TEXT NOT NULL,
    "importId" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "idNumber" TEXT NOT NULL,
    "department" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "alertDate" DATE NOT NULL,
    "householdId" TEXT NOT NULL,
    "caseId" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DepartmentAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DepartmentImport_fileSha256_key" ON "DepartmentImport"("fileSha256");

-- CreateIndex
CREATE UNIQUE INDEX "DepartmentAlert_naturalKey_key" ON "DepartmentAlert"("naturalKey");

-- CreateIndex
CREATE INDEX "DepartmentAlert_caseId_idx" ON "DepartmentAlert"("caseId");

-- CreateIndex
CREATE INDEX "DepartmentAlert_householdId_idx" ON "DepartmentAlert"("householdId");

-- CreateIndex
CREATE INDEX "DepartmentAlert_importId_idx" ON "DepartmentAlert"("importId");

-- AddForeignKey
ALTER TABLE "DepartmentAlert" ADD CONSTRAINT "DepartmentAlert_importId_fkey" FOREIGN KEY ("importId") REFERENCES "DepartmentImport"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
