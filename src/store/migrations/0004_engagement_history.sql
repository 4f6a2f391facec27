-- Engagement counts as seen on successive updates: the base of velocity and reach forecasts.
alter table message add column engagement_history jsonb not null default '[]';
