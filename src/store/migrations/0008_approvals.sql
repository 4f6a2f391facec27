-- Supervisors, tokens that act as an agent, and replies held for approval.
alter table api_token drop constraint api_token_role_check;
alter table api_token add constraint api_token_role_check check (role in ('admin', 'supervisor', 'agent'));
alter table api_token add column agent_id uuid references agent(id) on delete set null;

alter table workspace add column approval_policy jsonb not null default '{}';

alter table outbox add column approval_reasons jsonb not null default '[]';
alter table outbox add column requested_by_agent_id uuid references agent(id) on delete set null;
alter table outbox add column reviewed_by text;
alter table outbox add column reviewed_at timestamptz;
alter table outbox add column review_note text;
create index outbox_held on outbox (workspace_id, created_at) where status = 'held';
