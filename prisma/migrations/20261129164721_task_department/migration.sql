-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "department" TEXT;
