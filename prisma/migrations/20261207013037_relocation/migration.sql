-- CreateTable
CREATE TABLE "ResettlementSite" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "townCode" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "households" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ResettlementSite_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "RelocationCase" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "siteCode" TEXT NOT NULL,
    "villageCode" TEXT NOT NULL,
    "townCode" TEXT NOT NULL,
    "relocatedAt" TEXT NOT NULL,
    "laborCapacity" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "atRisk" BOOLEAN NOT NULL DEFAULT false,
    "metSince" TIMESTAMP(3),
    "monitoringCaseId" TEXT,
    "baseline" JSONB,
    "baselineAt" TIMESTAMP(3),
    "settings" JSONB NOT NULL,
    "createdById" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RelocationCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RelocationEmployment" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "memberName" TEXT NOT NULL,
    "employer" TEXT NOT NULL,
    "industry" TEXT NOT NULL,
    "monthlyPay" DECIMAL(12,2) NOT NULL,
    "startDate" TEXT NOT NULL,
    "endDate" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RelocationEmployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RelocationProject" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "startDate" TEXT NOT NULL,
    "expectedYearlyIncome" DECIMAL(12,2),
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RelocationProject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RelocationVisit" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actorId" TEXT NOT NULL,
    "atRisk" BOOLEAN NOT NULL,
    "riskTypes" TEXT[],
    "perCapitaIncome" DECIMAL(12,2) NOT NULL,
    "note" TEXT,
    "monitoringCaseId" TEXT,
    "referred" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "RelocationVisit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RelocationImport" (
    "id" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "uploadedById" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "casesCreated" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "RelocationImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ResettlementSite_townCode_idx" ON "ResettlementSite"("townCode");

-- CreateIndex
CREATE INDEX "RelocationCase_householdId_idx" ON "RelocationCase"("householdId");

-- CreateIndex
CREATE INDEX "RelocationCase_siteCode_idx" ON "RelocationCase"("siteCode");

-- CreateIndex
CREATE INDEX "RelocationCase_townCode_atRisk_idx" ON "RelocationCase"("townCode", "atRisk");

-- CreateIndex
CREATE INDEX "RelocationCase_villageCode_idx" ON "RelocationCase"("villageCode");

-- CreateIndex
CREATE INDEX "RelocationCase_monitoringCaseId_idx" ON "RelocationCase"("monitoringCaseId");

-- CreateIndex
CREATE INDEX "RelocationEmployment_caseId_idx" ON "RelocationEmployment"("caseId");

-- CreateIndex
CREATE INDEX "RelocationProject_caseId_idx" ON "RelocationProject"("caseId");

-- CreateIndex
CREATE INDEX "RelocationVisit_caseId_at_idx" ON "RelocationVisit"("caseId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "RelocationImport_fileSha256_key" ON "RelocationImport"("fileSha256");

-- AddForeignKey
ALTER TABLE "RelocationCase" ADD CONSTRAINT "RelocationCase_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RelocationCase" ADD CONSTRAINT "RelocationCase_siteCode_fkey" FOREIGN KEY ("siteCode") REFERENCES "ResettlementSite"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RelocationEmployment" ADD CONSTRAINT "RelocationEmployment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RelocationCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RelocationProject" ADD CONSTRAINT "RelocationProject_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RelocationCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RelocationVisit" ADD CONSTRAINT "RelocationVisit_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RelocationCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
