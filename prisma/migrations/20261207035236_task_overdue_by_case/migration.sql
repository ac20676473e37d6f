-- CreateIndex
CREATE INDEX "Task_status_dueAt_caseId_process_idx" ON "Task"("status", "dueAt", "caseId", "process");
