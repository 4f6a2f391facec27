-- Media a message carries (images, video, link cards) as links: [{kind, url, alt}], from the channel's parse.
alter table message add column media jsonb not null default '[]';
