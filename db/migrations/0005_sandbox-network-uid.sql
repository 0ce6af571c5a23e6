ALTER TABLE "environments" ADD COLUMN "network" text DEFAULT 'egress' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "sandbox_uid" integer;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_sandbox_uid_unique" UNIQUE("sandbox_uid");