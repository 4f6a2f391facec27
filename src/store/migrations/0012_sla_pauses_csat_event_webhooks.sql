-- Issue 6, SLA and CSAT parts: SLA clocks paused while waiting on the customer, outgoing event
-- webhooks with a durable delivery queue, and customer-satisfaction surveys and scores.

-- ── SLA pauses ──────────────────────────────────────────────────────────────────────────────────
-- Every stretch a conversation spent pending or snoozed: [{"from": <instant>, "to": <instant> | absent while paused}].
-- routing/sla.ts stops the resolution clock over these stretches. A trigger keeps the list, so every way
-- a status changes (the API, a customer message reopening, a snooze waking, automations) records it.
alter table conversation add column sla_pauses jsonb not null default '[]';

create function earshot_record_sla_pause() returns trigger language plpgsql as $$
begin
  if new.status in ('pending', 'snoozed') and old.status not in ('pending', 'snoozed') then
    -- bounded: past 500 stretches the clock simply keeps running (never a shorter due time than the truth)
    if jsonb_array_length(new.sla_pauses) < 500 then
      new.sla_pauses := new.sla_pauses || jsonb_build_array(jsonb_build_object('from', now()));
    end if;
  elsif old.status in ('pending', 'snoozed') and new.status not in ('pending', 'snoozed')
    and jsonb_array_length(new.sla_pauses) > 0 and not ((new.sla_pauses -> -1) ? 'to') then
    new.sla_pauses := jsonb_set(new.sla_pauses, '{-1,to}', to_jsonb(now()));
  end if;
  return new;
end
$$;

create trigger conversation_sla_pause before update of status on conversation
  for each row when (old.status is distinct from new.status) execute function earshot_record_sla_pause();

-- ── outgoing event webhooks ─────────────────────────────────────────────────────────────────────
create table event_webhook (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  url text not null,
  events text[] not null,
  secret_enc bytea not null, -- the signing secret, sealed by accounts/secret-box.ts; never returned
  enabled boolean not null default true,
  description text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index event_webhook_workspace on event_webhook (workspace_id);

-- One row per (webhook, event): written in the transaction that produced the event, sent by
-- events/worker.ts with retries (at least once; receivers dedupe on event_id).
create table event_delivery (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  webhook_id uuid not null references event_webhook(id) on delete cascade,
  event_id uuid not null,
  event_type text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_status integer,
  last_error text,
  log jsonb not null default '[]', -- the latest attempts: {at, status, error, ms}
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  updated_at timestamptz not null default now(),
  unique (webhook_id, event_id)
);
create index event_delivery_due on event_delivery (next_attempt_at) where status in ('pending', 'sending');
create index event_delivery_webhook on event_delivery (webhook_id, created_at desc);

-- ── CSAT ───────────────────────────────────────────────────────────────────────────────────────
create table csat_setting (
  workspace_id uuid primary key references workspace(id) on delete cascade,
  enabled boolean not null default false,
  channels text[] not null default '{}', -- empty: every channel that can send the survey
  message text not null,
  delay_minutes integer not null default 0 check (delay_minutes between 0 and 10080),
  public_conversations boolean not null default false,
  updated_at timestamptz not null default now()
);

-- One survey per resolution; the token (only its hash is kept) is made when the survey is sent.
create table csat_survey (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  conversation_id uuid not null references conversation(id) on delete cascade,
  contact_id uuid references contact(id) on delete set null,
  agent_id uuid references agent(id) on delete set null,
  queue_id uuid references queue(id) on delete set null,
  channel text not null,
  resolved_at timestamptz not null,
  status text not null default 'scheduled' check (status in ('scheduled', 'sent', 'answered', 'skipped')),
  skip_reason text,
  send_at timestamptz not null,
  token_hash text unique,
  sent_at timestamptz,
  expires_at timestamptz,
  outbox_id uuid,
  created_at timestamptz not null default now(),
  unique (conversation_id, resolved_at)
);
create index csat_survey_due on csat_survey (send_at) where status = 'scheduled';
create index csat_survey_open_conversation on csat_survey (conversation_id) where status = 'sent';
create index csat_survey_open_contact on csat_survey (contact_id) where status = 'sent';

create table csat_response (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  survey_id uuid unique references csat_survey(id) on delete set null,
  conversation_id uuid not null references conversation(id) on delete cascade,
  agent_id uuid references agent(id) on delete set null,
  queue_id uuid references queue(id) on delete set null,
  channel text not null,
  score smallint not null check (score between 1 and 5),
  comment text,
  source text not null check (source in ('link', 'reply')),
  created_at timestamptz not null default now()
);
create index csat_response_time on csat_response (workspace_id, created_at);
