-- CreateTable
CREATE TABLE "HouseholdTransfer" (
    "id" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "fromVillageCode" TEXT NOT NULL,
    "fromTownCode" TEXT NOT NULL,
    "toVillageCode" TEXT NOT NULL,
    "toTownCode" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HouseholdTransfer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HouseholdTransfer_fromTownCode_at_idx" ON "HouseholdTransfer"("fromTownCode", "at");

-- CreateIndex
CREATE INDEX "HouseholdTransfer_toTownCode_at_idx" ON "HouseholdTransfer"("toTownCode", "at");

-- AddForeignKey
ALTER TABLE "HouseholdTransfer" ADD CONSTRAINT "HouseholdTransfer_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
