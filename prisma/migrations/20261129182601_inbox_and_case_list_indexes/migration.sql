-- DropIndex
DROP INDEX "MonitoringCase_villageCode_stage_idx";

-- DropIndex
DROP INDEX "Task_status_role_jurisdictionCode_idx";

-- CreateIndex
CREATE INDEX "MonitoringCase_villageCode_stage_idx" ON "MonitoringCase"("villageCode" text_pattern_ops, "stage");

-- CreateIndex
CREATE INDEX "MonitoringCase_discoveredAt_id_idx" ON "MonitoringCase"("discoveredAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Task_status_role_jurisdictionCode_idx" ON "Task"("status", "role", "jurisdictionCode" text_pattern_ops);

-- CreateIndex
CREATE INDEX "Task_status_role_dueAt_id_idx" ON "Task"("status", "role", "dueAt", "id");
