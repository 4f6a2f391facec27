-- Earshot canonical model, first cut. Every row carries workspace_id.
create table workspace (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  name text not null,
  created_at timestamptz not null default now()
);

create table api_token (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid references workspace(id) on delete cascade, -- null: admin token for every workspace
  name text not null,
  token_hash text not null unique,
  role text not null check (role in ('admin', 'agent')),
  created_at timestamptz not null default now()
);

create table channel_account (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  channel text not null,
  name text not null,
  credentials_enc bytea,
  cursor jsonb,
  created_at timestamptz not null default now(),
  unique (workspace_id, channel, name)
);

create table contact (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  display_name text,
  vip boolean not null default false,
  created_at timestamptz not null default now()
);

create table identity (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  contact_id uuid not null references contact(id),
  channel text not null,
  external_user_id text not null,
  handle text,
  display_name text,
  followers integer,
  verified boolean not null default false,
  updated_at timestamptz not null default now(),
  unique (workspace_id, channel, external_user_id)
);

create table queue (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  name text not null,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  unique (workspace_id, name)
);

create table agent (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  name text not null,
  email text,
  created_at timestamptz not null default now(),
  unique (workspace_id, name)
);

create table conversation (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  channel text not null,
  thread_key text not null,
  status text not null default 'new' check (status in ('new', 'open', 'pending', 'snoozed', 'resolved')),
  priority integer not null default 0,
  priority_reasons jsonb not null default '[]',
  queue_id uuid references queue(id),
  assignee_id uuid references agent(id),
  contact_id uuid references contact(id),
  preview text not null default '',
  message_count integer not null default 0,
  last_message_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  unique (workspace_id, channel, thread_key)
);
create index conversation_inbox on conversation (workspace_id, priority desc, id);
create index conversation_age on conversation (workspace_id, last_message_at desc, id);

create table message (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity, -- arrival order, to break ties between equal platform timestamps
  workspace_id uuid not null references workspace(id) on delete cascade,
  conversation_id uuid not null references conversation(id) on delete cascade,
  channel text not null,
  external_id text not null,
  direction text not null check (direction in ('in', 'out')),
  visibility text not null check (visibility in ('public', 'private')),
  identity_id uuid references identity(id),
  text text not null,
  langs text[] not null default '{}',
  parent_external_id text,
  thread_external_id text,
  url text,
  engagement jsonb,
  priority integer not null default 0,
  priority_reasons jsonb not null default '[]',
  raw jsonb,
  created_at timestamptz not null,
  received_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  unique (workspace_id, channel, external_id)
);
create index message_conversation on message (conversation_id, created_at);

create table assignment (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  conversation_id uuid not null references conversation(id) on delete cascade,
  queue_id uuid references queue(id),
  agent_id uuid references agent(id),
  reason text not null,
  actor text not null,
  created_at timestamptz not null default now()
);

create table audit_log (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspace(id) on delete cascade,
  actor text not null,
  action text not null,
  target_type text not null,
  target_id text not null,
  detail jsonb not null default '{}',
  created_at timestamptz not null default now()
);

-- The record of truth for everything received: written and committed before the sender gets its answer.
create table inbound_log (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspace(id) on delete cascade,
  channel text not null,
  body text not null,
  origin text,
  status text not null default 'pending' check (status in ('pending', 'done', 'rejected')),
  error text,
  received_at timestamptz not null default now(),
  processed_at timestamptz
);
create index inbound_pending on inbound_log (id) where status = 'pending';

create table dead_letter (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  channel text not null,
  inbound_id bigint references inbound_log(id),
  reason text not null,
  detail text not null,
  body text not null,
  created_at timestamptz not null default now()
);

create table outbox (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  conversation_id uuid not null references conversation(id) on delete cascade,
  channel text not null,
  idempotency_key text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  external_id text,
  created_at timestamptz not null default now(),
  unique (workspace_id, idempotency_key)
);
