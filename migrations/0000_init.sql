CREATE TABLE `anomalies` (
	`id` text PRIMARY KEY NOT NULL,
	`partner_id` text NOT NULL,
	`conversion_id` text,
	`click_id` text,
	`kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`details` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `anomalies_subject_uq` ON `anomalies` (`kind`,`subject_id`);--> statement-breakpoint
CREATE INDEX `anomalies_partner_idx` ON `anomalies` (`partner_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`role` text NOT NULL,
	`partner_id` text,
	`name` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `clicks` (
	`id` text PRIMARY KEY NOT NULL,
	`link_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`visitor_id` text NOT NULL,
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
CREATE INDEX `clicks_link_created_idx` ON `clicks` (`link_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `clicks_partner_created_idx` ON `clicks` (`partner_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `clicks_visitor_idx` ON `clicks` (`visitor_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `clicks_uid_idx` ON `clicks` (`uid_hash`,`created_at`) WHERE "clicks"."uid_hash" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `clicks_fingerprint_idx` ON `clicks` (`fingerprint`,`created_at`) WHERE "clicks"."fingerprint" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `commission_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`partner_id` text NOT NULL,
	`effective_from` integer NOT NULL,
	`rules` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `commission_plans_partner_idx` ON `commission_plans` (`partner_id`,`effective_from`);--> statement-breakpoint
CREATE TABLE `conversion_history` (
	`id` text PRIMARY KEY NOT NULL,
	`conversion_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`amount_minor` integer,
	`commission_minor` integer,
	`reason` text,
	`source` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversion_history_conv_idx` ON `conversion_history` (`conversion_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `conversions` (
	`id` text PRIMARY KEY NOT NULL,
	`partner_id` text NOT NULL,
	`transaction_id` text NOT NULL,
	`event` text NOT NULL,
	`status` text NOT NULL,
	`raw_status` text,
	`amount_minor` integer DEFAULT 0 NOT NULL,
	`currency` text DEFAULT 'EUR' NOT NULL,
	`commission_minor` integer DEFAULT 0 NOT NULL,
	`commission_detail` text,
	`category` text,
	`items` text,
	`coupon` text,
	`referral_code` text,
	`customer_hash` text,
	`attribution_method` text NOT NULL,
	`click_id` text,
	`reported_click_id` text,
	`link_id` text,
	`attribution_confidence` real,
	`click_to_conversion_ms` integer,
	`visitor_id` text,
	`fingerprint` text,
	`previous_day_fingerprint` text,
	`occurred_at` integer NOT NULL,
	`refunded_amount_minor` integer DEFAULT 0 NOT NULL,
	`reversal_reason` text,
	`approved_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversions_txn_uq` ON `conversions` (`partner_id`,`transaction_id`,`event`);--> statement-breakpoint
CREATE INDEX `conversions_partner_created_idx` ON `conversions` (`partner_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `conversions_partner_occurred_idx` ON `conversions` (`partner_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `conversions_created_idx` ON `conversions` (`created_at`);--> statement-breakpoint
CREATE INDEX `conversions_status_idx` ON `conversions` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `conversions_click_idx` ON `conversions` (`click_id`);--> statement-breakpoint
CREATE INDEX `conversions_method_idx` ON `conversions` (`attribution_method`,`created_at`);--> statement-breakpoint
CREATE TABLE `coupons` (
	`id` text PRIMARY KEY NOT NULL,
	`partner_id` text NOT NULL,
	`code` text NOT NULL,
	`link_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `coupons_code_uq` ON `coupons` (`partner_id`,`code`);--> statement-breakpoint
CREATE TABLE `daily_aggregates` (
	`date` text NOT NULL,
	`partner_id` text NOT NULL,
	`link_id` text NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`unique_clicks` integer DEFAULT 0 NOT NULL,
	`bot_clicks` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`leads` integer DEFAULT 0 NOT NULL,
	`add_to_carts` integer DEFAULT 0 NOT NULL,
	`sales` integer DEFAULT 0 NOT NULL,
	`revenue_minor` integer DEFAULT 0 NOT NULL,
	`commission_minor` integer DEFAULT 0 NOT NULL,
	`currency` text DEFAULT 'EUR' NOT NULL,
	`median_time_to_conversion_ms` integer,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`date`, `partner_id`, `link_id`)
);
--> statement-breakpoint
CREATE INDEX `daily_aggregates_partner_idx` ON `daily_aggregates` (`partner_id`,`date`);--> statement-breakpoint
CREATE TABLE `daily_breakdowns` (
	`date` text NOT NULL,
	`partner_id` text NOT NULL,
	`dimension` text NOT NULL,
	`value` text NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`unique_clicks` integer DEFAULT 0 NOT NULL,
	`bot_clicks` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue_minor` integer DEFAULT 0 NOT NULL,
	`commission_minor` integer DEFAULT 0 NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`date`, `partner_id`, `dimension`, `value`)
);
--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`partner_id` text NOT NULL,
	`date` text NOT NULL,
	`webhook_id` text NOT NULL,
	`url` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`next_attempt_at` integer,
	`delivered_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_partner_date_uq` ON `deliveries` (`partner_id`,`date`);--> statement-breakpoint
CREATE INDEX `deliveries_status_idx` ON `deliveries` (`status`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_delivery_idx` ON `delivery_attempts` (`delivery_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`click_id` text,
	`visitor_id` text,
	`partner_id` text,
	`link_id` text,
	`value` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_click_idx` ON `events` (`click_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `events_partner_idx` ON `events` (`partner_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `job_state` (
	`name` text PRIMARY KEY NOT NULL,
	`cursor` text,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `link_checks` (
	`link_id` text NOT NULL,
	`date` text NOT NULL,
	`partner_id` text NOT NULL,
	`status` text NOT NULL,
	`status_code` integer,
	`final_url` text,
	`hops` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`link_id`, `date`)
);
--> statement-breakpoint
CREATE INDEX `link_checks_partner_idx` ON `link_checks` (`partner_id`,`date`);--> statement-breakpoint
CREATE TABLE `links` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`partner_id` text NOT NULL,
	`destination` text NOT NULL,
	`title` text,
	`utm` text NOT NULL,
	`params` text NOT NULL,
	`fallback_url` text,
	`expires_at` integer,
	`rules` text NOT NULL,
	`placement` text,
	`forward_query` integer DEFAULT true NOT NULL,
	`is_disabled` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `links_slug_uq` ON `links` (`slug`);--> statement-breakpoint
CREATE INDEX `links_partner_idx` ON `links` (`partner_id`,`id`);--> statement-breakpoint
CREATE TABLE `partner_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`partner_id` text NOT NULL,
	`rows` integer NOT NULL,
	`summary` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `partner_reports_partner_idx` ON `partner_reports` (`partner_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `partners` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`integration` text NOT NULL,
	`category` text NOT NULL,
	`website_url` text,
	`allowed_domains` text NOT NULL,
	`commission_rules` text NOT NULL,
	`cookie_days` integer DEFAULT 30 NOT NULL,
	`attribution_window_days` integer DEFAULT 30 NOT NULL,
	`lock_days` integer DEFAULT 30 NOT NULL,
	`currency` text DEFAULT 'EUR' NOT NULL,
	`click_id_param` text DEFAULT 'click_id' NOT NULL,
	`affiliate_params` text NOT NULL,
	`tracking_template` text,
	`postback_params` text NOT NULL,
	`status_map` text NOT NULL,
	`amounts_in_minor_units` integer DEFAULT false NOT NULL,
	`answer_template` text,
	`report_columns` text NOT NULL,
	`accept_signed_postbacks` integer DEFAULT true NOT NULL,
	`accept_token_postbacks` integer DEFAULT true NOT NULL,
	`ip_allowlist` text NOT NULL,
	`postback_token_hash` text NOT NULL,
	`signing_secret_enc` text NOT NULL,
	`previous_secret_enc` text,
	`previous_secret_expires_at` integer,
	`webhook_url` text,
	`notes` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `partners_slug_uq` ON `partners` (`slug`);--> statement-breakpoint
CREATE INDEX `partners_status_idx` ON `partners` (`status`);--> statement-breakpoint
CREATE TABLE `postback_log` (
	`id` text PRIMARY KEY NOT NULL,
	`partner_id` text,
	`partner_slug` text NOT NULL,
	`method` text NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer NOT NULL,
	`error_code` text,
	`error_message` text,
	`webhook_id` text,
	`request` text,
	`content_type` text,
	`body` text,
	`parsed` text,
	`conversion_id` text,
	`ip_hash` text,
	`is_authenticated` integer DEFAULT false NOT NULL,
	`replay_of` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `postback_log_partner_idx` ON `postback_log` (`partner_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `postback_log_created_idx` ON `postback_log` (`created_at`);--> statement-breakpoint
CREATE TABLE `referral_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`partner_id` text NOT NULL,
	`code` text NOT NULL,
	`user_ref` text NOT NULL,
	`link_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `referral_codes_code_uq` ON `referral_codes` (`code`);--> statement-breakpoint
CREATE UNIQUE INDEX `referral_codes_user_uq` ON `referral_codes` (`partner_id`,`user_ref`);--> statement-breakpoint
CREATE TABLE `report_discrepancies` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`kind` text NOT NULL,
	`transaction_id` text NOT NULL,
	`ours` text,
	`theirs` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `report_discrepancies_report_idx` ON `report_discrepancies` (`report_id`);--> statement-breakpoint
CREATE TABLE `webhook_receipts` (
	`partner_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`answer` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`partner_id`, `webhook_id`)
);
