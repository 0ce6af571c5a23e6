CREATE TABLE "pool_kernels" (
	"id" uuid PRIMARY KEY NOT NULL,
	"environment_id" uuid NOT NULL,
	"gateway_id" text NOT NULL,
	"state" text DEFAULT 'starting' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "base_environment_id" uuid;--> statement-breakpoint
ALTER TABLE "platform_settings" ADD COLUMN "pool_budget" integer DEFAULT 4 NOT NULL;--> statement-breakpoint
ALTER TABLE "platform_settings" ADD COLUMN "max_environments_per_project" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "pool_kernels" ADD CONSTRAINT "pool_kernels_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_base_environment_id_environments_id_fk" FOREIGN KEY ("base_environment_id") REFERENCES "public"."environments"("id") ON DELETE set null ON UPDATE no action;