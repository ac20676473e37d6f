-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "excludedActorIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
