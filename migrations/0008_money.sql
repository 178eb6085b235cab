CREATE TABLE `exchange_rates` (
	`date` text NOT NULL,
	`base` text NOT NULL,
	`quote` text NOT NULL,
	`rate` text NOT NULL,
	`source` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`date`, `base`, `quote`)
);
--> statement-breakpoint
CREATE TABLE `statement_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`statement_id` text NOT NULL,
	`conversion_id` text NOT NULL,
	`kind` text NOT NULL,
	`transaction_id` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`commission_minor` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `statement_lines_statement_idx` ON `statement_lines` (`statement_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `statement_lines_conversion_idx` ON `statement_lines` (`conversion_id`);--> statement-breakpoint
CREATE TABLE `statement_numbers` (
	`year` integer PRIMARY KEY NOT NULL,
	`last` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `statements` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`partner_id` text NOT NULL,
	`month` text NOT NULL,
	`currency` text NOT NULL,
	`commission_minor` integer NOT NULL,
	`adjustments_minor` integer NOT NULL,
	`total_excl_vat_minor` integer NOT NULL,
	`vat_rate_bp` integer NOT NULL,
	`vat_minor` integer NOT NULL,
	`total_incl_vat_minor` integer NOT NULL,
	`status` text NOT NULL,
	`issued_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`paid_at` integer,
	`billed_to` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `statements_number_uq` ON `statements` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `statements_partner_month_uq` ON `statements` (`partner_id`,`month`);--> statement-breakpoint
CREATE INDEX `statements_month_idx` ON `statements` (`month`);--> statement-breakpoint
ALTER TABLE `conversion_history` ADD `commission_before_minor` integer;--> statement-breakpoint
ALTER TABLE `conversion_history` ADD `refunded_amount_minor` integer;--> statement-breakpoint
ALTER TABLE `conversions` ADD `earned_commission_minor` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversions` ADD `reporting_currency` text DEFAULT 'EUR' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversions` ADD `exchange_rate` text;--> statement-breakpoint
ALTER TABLE `conversions` ADD `reporting_amount_minor` integer;--> statement-breakpoint
ALTER TABLE `conversions` ADD `reporting_refunded_minor` integer;--> statement-breakpoint
ALTER TABLE `conversions` ADD `reporting_commission_minor` integer;--> statement-breakpoint
ALTER TABLE `conversions` ADD `reporting_earned_minor` integer;--> statement-breakpoint
ALTER TABLE `conversions` ADD `stated_commission_minor` integer;--> statement-breakpoint
ALTER TABLE `conversions` ADD `statement_id` text;--> statement-breakpoint
CREATE INDEX `conversions_unconverted_idx` ON `conversions` (`occurred_at`) WHERE "conversions"."exchange_rate" IS NULL;--> statement-breakpoint
ALTER TABLE `daily_aggregates` ADD `refunded_minor` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `daily_aggregates` ADD `commission_reversed_minor` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `daily_aggregates` ADD `unconverted_conversions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `partners` ADD `legal_name` text;--> statement-breakpoint
ALTER TABLE `partners` ADD `address` text;--> statement-breakpoint
ALTER TABLE `partners` ADD `vat_number` text;--> statement-breakpoint
ALTER TABLE `partners` ADD `payment_terms_days` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `partners` ADD `vat_rate_bp` integer;--> statement-breakpoint
-- What existing conversions earned before reversals, and their figures in their partner's currency.
UPDATE `conversions` SET
	`earned_commission_minor` = COALESCE(json_extract(`commission_detail`, '$.earnedMinor'), `commission_minor`),
	`reporting_currency` = COALESCE((SELECT `currency` FROM `partners` WHERE `partners`.`id` = `conversions`.`partner_id`), 'EUR');--> statement-breakpoint
UPDATE `conversions` SET
	`exchange_rate` = '1',
	`reporting_amount_minor` = `amount_minor`,
	`reporting_refunded_minor` = `refunded_amount_minor`,
	`reporting_commission_minor` = `commission_minor`,
	`reporting_earned_minor` = `earned_commission_minor`
WHERE `currency` = `reporting_currency`;
