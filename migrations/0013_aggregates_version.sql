CREATE TABLE `aggregates_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` text NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
