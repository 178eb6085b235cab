ALTER TABLE `links` ADD `requires_consent` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `partners` ADD `requires_consent` integer DEFAULT false NOT NULL;