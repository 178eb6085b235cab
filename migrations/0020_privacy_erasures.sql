CREATE TABLE `privacy_erasures` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`actor` text NOT NULL,
	`by_user_ref` integer NOT NULL,
	`by_visitor_id` integer NOT NULL,
	`clicks` integer NOT NULL,
	`events` integer NOT NULL,
	`conversions` integer NOT NULL,
	`referral_codes` integer NOT NULL,
	`postback_log_entries` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversions_customer_idx` ON `conversions` (`customer_hash`) WHERE "conversions"."customer_hash" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `conversions_visitor_idx` ON `conversions` (`visitor_id`) WHERE "conversions"."visitor_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `events_visitor_idx` ON `events` (`visitor_id`) WHERE "events"."visitor_id" IS NOT NULL;