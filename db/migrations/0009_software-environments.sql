CREATE TABLE "software_builds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"spec_hash" text NOT NULL,
	"base" text NOT NULL,
	"requirements" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"step" text,
	"lock" text,
	"lock_hash" text,
	"log" text DEFAULT '' NOT NULL,
	"error" text,
	"size_bytes" bigint,
	"builder_id" text,
	"heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "software_builds_spec_hash_unique" UNIQUE("spec_hash")
);
--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "python_version" text;--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "packages" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "software_build_id" uuid;--> statement-breakpoint
CREATE INDEX "software_builds_lock_hash_idx" ON "software_builds" USING btree ("lock_hash");--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_software_build_id_software_builds_id_fk" FOREIGN KEY ("software_build_id") REFERENCES "public"."software_builds"("id") ON DELETE set null ON UPDATE no action;