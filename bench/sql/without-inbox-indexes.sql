-- The inbox and case-list indexes as they were before migration 20261129182601_inbox_and_case_list_indexes:
-- `npm run bench -- --scale --sql bench/sql/without-inbox-indexes.sql` measures what that migration bought.
DROP INDEX "MonitoringCase_villageCode_stage_idx";
DROP INDEX "MonitoringCase_discoveredAt_id_idx";
DROP INDEX "Task_status_role_jurisdictionCode_idx";
DROP INDEX "Task_status_role_dueAt_id_idx";
CREATE INDEX "MonitoringCase_villageCode_stage_idx" ON "MonitoringCase"("villageCode", "stage");
CREATE INDEX "Task_status_role_jurisdictionCode_idx" ON "Task"("status", "role", "jurisdictionCode");
ANALYZE "MonitoringCase", "Task";
