PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_clicks` (
	`id` text PRIMARY KEY NOT NULL,
	`link_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`visitor_id` text,
	`is_bot` integer NOT NULL,
	`bot_reason` text,
	`is_unique` integer NOT NULL,
	`device` text,
	`os` text,
	`browser` text,
	`country` text,
	`language` text,
	`referrer_host` text,
	`user_agent` text,
	`sub1` text,
	`sub2` text,
	`sub3` text,
	`sub4` text,
	`sub5` text,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`placement` text,
	`variant` text DEFAULT 'default' NOT NULL,
	`destination` text NOT NULL,
	`deep_link_refused` integer DEFAULT false NOT NULL,
	`uid_hash` text,
	`fingerprint` text,
	`referral_code` text,
	`source` text DEFAULT 'link' NOT NULL,
	`recorded_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_clicks`("id", "link_id", "partner_id", "created_at", "visitor_id", "is_bot", "bot_reason", "is_unique", "device", "os", "browser", "country", "language", "referrer_host", "user_agent", "sub1", "sub2", "sub3", "sub4", "sub5", "utm_source", "utm_medium", "utm_campaign", "placement", "variant", "destination", "deep_link_refused", "uid_hash", "fingerprint", "referral_code", "source", "recorded_at") SELECT "id", "link_id", "partner_id", "created_at", "visitor_id", "is_bot", "bot_reason", "is_unique", "device", "os", "browser", "country", "language", "referrer_host", "user_agent", "sub1", "sub2", "sub3", "sub4", "sub5", "utm_source", "utm_medium", "utm_campaign", "placement", "variant", "destination", "deep_link_refused", "uid_hash", "fingerprint", "referral_code", "source", "recorded_at" FROM `clicks`;--> statement-breakpoint
DROP TABLE `clicks`;--> statement-breakpoint
ALTER TABLE `__new_clicks` RENAME TO `clicks`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `clicks_link_created_idx` ON `clicks` (`link_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `clicks_partner_created_fingerprint_idx` ON `clicks` (`partner_id`,`created_at`,`fingerprint`);--> statement-breakpoint
CREATE INDEX `clicks_visitor_idx` ON `clicks` (`visitor_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `clicks_uid_idx` ON `clicks` (`uid_hash`,`created_at`) WHERE "clicks"."uid_hash" IS NOT NULL;