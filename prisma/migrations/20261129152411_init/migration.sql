-- CreateEnum
CREATE TYPE "JurisdictionLevel" AS ENUM ('DISTRICT', 'TOWN', 'VILLAGE');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER', 'DEPARTMENT_OFFICER', 'COOPERATION_COORDINATOR', 'ADMIN');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('OPEN', 'COMPLETED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Jurisdiction" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "level" "JurisdictionLevel" NOT NULL,
    "parentCode" TEXT,
    "kind" TEXT,

    CONSTRAINT "Jurisdiction_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "jurisdictionCode" TEXT NOT NULL,
    "department" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "version" INTEGER NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "settings" JSONB NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "Household" (
    "id" TEXT NOT NULL,
    "idNumber" TEXT NOT NULL,
    "headName" TEXT NOT NULL,
    "villageCode" TEXT NOT NULL,
    "townCode" TEXT NOT NULL,
    "memberCount" INTEGER NOT NULL,
    "laborCapacity" TEXT NOT NULL,
    "perCapitaIncome" DECIMAL(12,2) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Household_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MonitoringCase" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "riskTypes" TEXT[],
    "note" TEXT,
    "stage" TEXT NOT NULL,
    "villageCode" TEXT NOT NULL,
    "townCode" TEXT NOT NULL,
    "policyVersion" INTEGER NOT NULL,
    "postingEndsAt" TIMESTAMP(3),
    "identificationDueAt" TIMESTAMP(3) NOT NULL,
    "createdById" TEXT NOT NULL,
    "discoveredAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MonitoringCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "process" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "jurisdictionCode" TEXT NOT NULL,
    "assigneeId" TEXT,
    "submitterId" TEXT,
    "separationOfDuties" BOOLEAN NOT NULL DEFAULT false,
    "status" "TaskStatus" NOT NULL DEFAULT 'OPEN',
    "allowedDecisions" TEXT[],
    "dueAt" TIMESTAMP(3) NOT NULL,
    "escalationLevel" INTEGER NOT NULL DEFAULT 0,
    "escalatedToCode" TEXT,
    "decision" TEXT,
    "comment" TEXT,
    "completedById" TEXT,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TimelineEvent" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "step" TEXT,
    "actorId" TEXT,
    "actorName" TEXT,
    "decision" TEXT,
    "comment" TEXT,
    "fromStage" TEXT,
    "toStage" TEXT,

    CONSTRAINT "TimelineEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "caseId" TEXT,
    "taskId" TEXT,
    "recipients" TEXT[],
    "subject" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Jurisdiction_parentCode_idx" ON "Jurisdiction"("parentCode");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "User_role_jurisdictionCode_idx" ON "User"("role", "jurisdictionCode");

-- CreateIndex
CREATE UNIQUE INDEX "Household_idNumber_key" ON "Household"("idNumber");

-- CreateIndex
CREATE INDEX "Household_villageCode_idx" ON "Household"("villageCode");

-- CreateIndex
CREATE INDEX "MonitoringCase_householdId_idx" ON "MonitoringCase"("householdId");

-- CreateIndex
CREATE INDEX "MonitoringCase_townCode_stage_idx" ON "MonitoringCase"("townCode", "stage");

-- CreateIndex
CREATE INDEX "MonitoringCase_villageCode_stage_idx" ON "MonitoringCase"("villageCode", "stage");

-- CreateIndex
CREATE INDEX "MonitoringCase_stage_createdAt_idx" ON "MonitoringCase"("stage", "createdAt");

-- CreateIndex
CREATE INDEX "Task_status_role_jurisdictionCode_idx" ON "Task"("status", "role", "jurisdictionCode");

-- CreateIndex
CREATE INDEX "Task_caseId_status_idx" ON "Task"("caseId", "status");

-- CreateIndex
CREATE INDEX "Task_status_escalatedToCode_idx" ON "Task"("status", "escalatedToCode");

-- CreateIndex
CREATE INDEX "TimelineEvent_caseId_at_idx" ON "TimelineEvent"("caseId", "at");

-- CreateIndex
CREATE INDEX "Notification_caseId_idx" ON "Notification"("caseId");

-- AddForeignKey
ALTER TABLE "Jurisdiction" ADD CONSTRAINT "Jurisdiction_parentCode_fkey" FOREIGN KEY ("parentCode") REFERENCES "Jurisdiction"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MonitoringCase" ADD CONSTRAINT "MonitoringCase_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
