ALTER TABLE "environments" ADD COLUMN "placement" jsonb DEFAULT '{"nodeSelector":{},"tolerations":[]}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "kernels" ADD COLUMN "progress" jsonb;--> statement-breakpoint
ALTER TABLE "kernels" ADD COLUMN "executors" jsonb;