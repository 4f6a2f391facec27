-- Channel accounts carry settings (non-secret) beside their encrypted secrets, and a health state.
alter table channel_account add column settings jsonb not null default '{}';
alter table channel_account add column enabled boolean not null default true;
alter table channel_account add column health text not null default 'unknown' check (health in ('unknown', 'ok', 'error'));
alter table channel_account add column last_error text;
alter table channel_account add column updated_at timestamptz not null default now();

-- Where a unit came from (webhook or source of an account), so replies go out through the same account.
alter table inbound_log add column channel_account_id uuid references channel_account(id) on delete set null;
alter table conversation add column channel_account_id uuid references channel_account(id) on delete set null;

-- The outbox: one row per agent action on a platform, sent by the outbox worker with retries.
alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check check (status in ('pending', 'sending', 'sent', 'failed', 'held', 'cancelled'));
alter table outbox add column action text not null default 'reply';
alter table outbox add column text text not null default '';
alter table outbox add column visibility text not null default 'public' check (visibility in ('public', 'private'));
alter table outbox add column target_message_id uuid references message(id) on delete set null;
alter table outbox add column channel_account_id uuid references channel_account(id) on delete set null;
alter table outbox add column requested_by text;
alter table outbox add column failure_code text;
alter table outbox add column message_id uuid references message(id) on delete set null;
alter table outbox add column sent_at timestamptz;
alter table outbox add column updated_at timestamptz not null default now();
create index outbox_due on outbox (next_attempt_at) where status in ('pending', 'sending');
create index outbox_conversation on outbox (conversation_id, created_at);
