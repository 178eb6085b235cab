CREATE TABLE `partner_networks` (
	`partner_id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`settings` text NOT NULL,
	`access_token_enc` text NOT NULL,
	`last_sync_at` integer,
	`last_sync_ok` integer,
	`last_sync_error` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`failing_since` integer,
	`retry_after` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
