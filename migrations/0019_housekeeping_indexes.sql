CREATE INDEX `link_checks_date_idx` ON `link_checks` (`date`);--> statement-breakpoint
CREATE INDEX `webhook_receipts_created_idx` ON `webhook_receipts` (`created_at`);