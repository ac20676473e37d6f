-- CreateTable
CREATE TABLE "CooperationPartner" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CooperationPartner_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "CooperationIndicator" (
    "code" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CooperationIndicator_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "CooperationPlan" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "partnerCode" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "agreedAt" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "grade" TEXT,
    "closing" JSONB,
    "carryOverFrom" TEXT,
    "requestKey" TEXT,
    "settings" JSONB NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "CooperationPlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CooperationPlanTarget" (
    "planId" TEXT NOT NULL,
    "indicator" TEXT NOT NULL,
    "target" DOUBLE PRECISION NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "CooperationPlanTarget_pkey" PRIMARY KEY ("planId","indicator")
);

-- CreateTable
CREATE TABLE "CooperationTask" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "responsibleUnit" TEXT NOT NULL,
    "dueDate" TEXT NOT NULL,
    "indicators" TEXT[],
    "stage" TEXT NOT NULL,
    "finished" BOOLEAN,
    "grade" TEXT,
    "carriedFromTaskId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CooperationTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CooperationReport" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "actuals" JSONB NOT NULL,
    "note" TEXT,
    "evidence" TEXT[],
    "status" TEXT NOT NULL,
    "submittedById" TEXT NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "reviewedById" TEXT,
    "reviewedAt" TIMESTAMP(3),
    "reviewComment" TEXT,

    CONSTRAINT "CooperationReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CooperationPartner_name_key" ON "CooperationPartner"("name");

-- CreateIndex
CREATE UNIQUE INDEX "CooperationIndicator_label_key" ON "CooperationIndicator"("label");

-- CreateIndex
CREATE INDEX "CooperationPlan_year_idx" ON "CooperationPlan"("year");

-- CreateIndex
CREATE UNIQUE INDEX "CooperationPlan_partnerCode_year_key" ON "CooperationPlan"("partnerCode", "year");

-- CreateIndex
CREATE INDEX "CooperationTask_planId_idx" ON "CooperationTask"("planId");

-- CreateIndex
CREATE INDEX "CooperationTask_responsibleUnit_idx" ON "CooperationTask"("responsibleUnit");

-- CreateIndex
CREATE INDEX "CooperationReport_planId_status_idx" ON "CooperationReport"("planId", "status");

-- CreateIndex
CREATE INDEX "CooperationReport_taskId_idx" ON "CooperationReport"("taskId");

-- AddForeignKey
ALTER TABLE "CooperationPlan" ADD CONSTRAINT "CooperationPlan_partnerCode_fkey" FOREIGN KEY ("partnerCode") REFERENCES "CooperationPartner"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CooperationPlanTarget" ADD CONSTRAINT "CooperationPlanTarget_planId_fkey" FOREIGN KEY ("planId") REFERENCES "CooperationPlan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CooperationTask" ADD CONSTRAINT "CooperationTask_planId_fkey" FOREIGN KEY ("planId") REFERENCES "CooperationPlan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CooperationReport" ADD CONSTRAINT "CooperationReport_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "CooperationTask"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Reference data: the partners and east-west indicators every district starts with (src/domain/cooperation/reference.ts).
INSERT INTO "CooperationPartner" ("code", "name", "kind") VALUES
  ('JIANGJIN', '江津区', 'COUNTERPART'),
  ('WANSHENG', '万盛经开区', 'COUNTERPART'),
  ('SHANDONG_WEIFANG', '山东省潍坊市', 'EAST_WEST')
ON CONFLICT DO NOTHING;
INSERT INTO "CooperationIndicator" ("code", "label", "unit") VALUES
  ('FISCAL_FUNDS', '财政援助资金', '万元'),
  ('DONATIONS', '社会帮扶资金', '万元'),
  ('CADRES_EXCHANGED', '互派挂职干部', '人次'),
  ('TECHNICIANS_EXCHANGED', '专业技术人才交流', '人次'),
  ('PARKS', '共建产业园区', '个'),
  ('ENTERPRISES', '引导落地企业', '个'),
  ('INVESTMENT', '实际到位投资', '万元'),
  ('CONSUMPTION', '消费帮扶', '万元'),
  ('WORKERS_PLACED', '农村劳动力转移就业', '人'),
  ('POOR_WORKERS_PLACED', '其中脱贫劳动力', '人')
ON CONFLICT DO NOTHING;
