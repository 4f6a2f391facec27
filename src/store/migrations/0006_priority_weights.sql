-- Per-workspace multipliers on the priority contributions (intent, sentiment, risk, reach, …).
alter table workspace add column priority_weights jsonb not null default '{}';
