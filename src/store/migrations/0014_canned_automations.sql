-- Canned guidance and automations (issue 6). A canned response is a snippet with variables, per language
-- and channel, suggested by intent. An automation is when/if/then JSON validated by
-- src/workflow/automation.ts; `position` orders the rules. What a rule did is kept in automation_run.
create table canned_response (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  title text not null,
  body text not null,
  language text not null,
  channels text[], -- null: any channel
  intents text[] not null default '{}', -- empty: any intent
  created_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, title, language)
);

create table automation_rule (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  position integer not null default 0,
  rule jsonb not null, -- {name, enabled, when, if, then, stop}; the id is the row's
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index automation_rule_workspace on automation_rule (workspace_id, position);

create table automation_run (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspace(id) on delete cascade,
  rule_id uuid references automation_rule(id) on delete set null,
  conversation_id uuid not null references conversation(id) on delete cascade,
  event text not null,
  action jsonb not null,
  outcome text not null, -- applied | skipped: <why>
  at timestamptz not null default now()
);
create index automation_run_workspace on automation_run (workspace_id, at desc);
