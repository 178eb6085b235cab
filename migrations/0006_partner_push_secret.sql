ALTER TABLE `partners` ADD `push_secret_enc` text;--> statement-breakpoint
ALTER TABLE `partners` ADD `previous_push_secret_enc` text;--> statement-breakpoint
ALTER TABLE `partners` ADD `previous_push_secret_expires_at` integer;