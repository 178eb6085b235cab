CREATE TABLE `postback_failures` (
	`id` text PRIMARY KEY NOT NULL,
	`minute` integer NOT NULL,
	`partner_id` text,
	`partner_slug` text NOT NULL,
	`ip_hash` text,
	`error_code` text NOT NULL,
	`http_status` integer NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`last_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `postback_failures_partner_idx` ON `postback_failures` (`partner_id`,`id`);