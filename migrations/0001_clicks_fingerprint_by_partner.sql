DROP INDEX `clicks_partner_created_idx`;--> statement-breakpoint
DROP INDEX `clicks_fingerprint_idx`;--> statement-breakpoint
CREATE INDEX `clicks_partner_created_fingerprint_idx` ON `clicks` (`partner_id`,`created_at`,`fingerprint`);