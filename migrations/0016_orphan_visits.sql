CREATE TABLE `orphan_visits` (
	`date` text NOT NULL,
	`path` text NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	`bot_hits` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`date`, `path`)
);
