CREATE TABLE "platform_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"max_cpu_m" integer DEFAULT 16000 NOT NULL,
	"max_memory_mib" integer DEFAULT 65536 NOT NULL,
	"max_gpus" integer DEFAULT 4 NOT NULL,
	"max_executors" integer DEFAULT 16 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "kernels" ADD COLUMN "usage" jsonb;