-- Listening rules per workspace, the rules each message matched, and how many unmatched posts from
-- open sources were dropped (counted, not kept).
create table listening_rule (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  name text not null,
  query text not null,
  tags text[] not null default '{}',
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, name)
);

alter table message add column listening_matches text[] not null default '{}';

create table listening_drop (
  workspace_id uuid not null references workspace(id) on delete cascade,
  channel text not null,
  day date not null,
  dropped integer not null default 0,
  primary key (workspace_id, channel, day)
);
