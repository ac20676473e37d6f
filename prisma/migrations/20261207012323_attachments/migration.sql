-- CreateTable
CREATE TABLE "Attachment" (
    "id" TEXT NOT NULL,
    "process" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "storage" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "uploadedById" TEXT NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttachmentContent" (
    "key" TEXT NOT NULL,
    "content" BYTEA NOT NULL,

    CONSTRAINT "AttachmentContent_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AttachmentReference" (
    "attachmentId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "refId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AttachmentReference_pkey" PRIMARY KEY ("attachmentId","kind","refId")
);

-- CreateIndex
CREATE INDEX "Attachment_process_caseId_uploadedAt_idx" ON "Attachment"("process", "caseId", "uploadedAt");

-- CreateIndex
CREATE INDEX "AttachmentReference_kind_refId_idx" ON "AttachmentReference"("kind", "refId");
