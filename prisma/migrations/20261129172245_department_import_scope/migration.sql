-- DropIndex
DROP INDEX "DepartmentImport_fileSha256_key";

-- AlterTable
ALTER TABLE "DepartmentImport" ADD COLUMN     "department" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE UNIQUE INDEX "DepartmentImport_fileSha256_department_key" ON "DepartmentImport"("fileSha256", "department");
