-- CreateTable
CREATE TABLE "Measure" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "department" TEXT,
    "startDate" TEXT NOT NULL,
    "endDate" TEXT,
    "monthlyAmount" DECIMAL(12,2),
    "beneficiaryGroup" TEXT,
    "note" TEXT,
    "status" TEXT NOT NULL,
    "taskId" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "Measure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FollowUpVisit" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actorId" TEXT NOT NULL,
    "perCapitaIncome" DECIMAL(12,2) NOT NULL,
    "unresolvedSpending" BOOLEAN NOT NULL,
    "guaranteesSecure" BOOLEAN NOT NULL,
    "note" TEXT,

    CONSTRAINT "FollowUpVisit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Measure_caseId_idx" ON "Measure"("caseId");

-- CreateIndex
CREATE INDEX "FollowUpVisit_caseId_at_idx" ON "FollowUpVisit"("caseId", "at");
