-- Routing (issue 6): agents' skills, languages, capacity and presence; queues' rules in order, overflow
-- and SLA policy; SLA due times and clocks on conversations; the reasons of every routing decision.
create table sla_policy (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  name text not null,
  policy jsonb not null, -- validated by routing/sla.ts validateSlaPolicy (id and name are the row's)
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, name)
);

-- New agents are offline until they say otherwise: nobody gets work for a person who is not there.
alter table agent add column skills jsonb not null default '[]';
alter table agent add column languages text[] not null default '{}';
alter table agent add column capacity jsonb not null default '{"public": 3, "private": 2, "email": 4}';
alter table agent add column presence text not null default 'offline' check (presence in ('online', 'away', 'offline', 'break'));
alter table agent add column working_hours jsonb;
alter table agent add column queue_ids uuid[];
alter table agent add column idle_since timestamptz;
alter table agent add column last_assigned_at timestamptz;
alter table agent add column updated_at timestamptz not null default now();

alter table queue add column conditions jsonb;
alter table queue add column languages text[] not null default '{}';
alter table queue add column required_skills jsonb not null default '[]';
alter table queue add column priority integer not null default 0;
alter table queue add column position integer not null default 0;
alter table queue add column overflow jsonb;
alter table queue add column sla_policy_id uuid references sla_policy(id) on delete set null;
alter table queue add column updated_at timestamptz not null default now();

-- A queue can be deleted once its open conversations moved: history keeps the row without the link.
alter table conversation drop constraint conversation_queue_id_fkey;
alter table conversation add constraint conversation_queue_id_fkey foreign key (queue_id) references queue(id) on delete set null;
alter table assignment drop constraint assignment_queue_id_fkey;
alter table assignment add constraint assignment_queue_id_fkey foreign key (queue_id) references queue(id) on delete set null;
alter table assignment add column reasons jsonb not null default '[]';

alter table conversation add column routed_at timestamptz; -- null: the router has not chosen its queue yet
alter table conversation add column queued_at timestamptz;
alter table conversation add column tags text[] not null default '{}';
alter table conversation add column snoozed_until timestamptz;
alter table conversation add column resolved_at timestamptz;
alter table conversation add column first_responded_at timestamptz;
alter table conversation add column last_agent_reply_at timestamptz;
alter table conversation add column sla_state text not null default 'none' check (sla_state in ('none', 'ok', 'warning', 'breached'));
alter table conversation add column sla_metric text;
alter table conversation add column sla_due_at timestamptz;
alter table conversation add column sla_first_response_due_at timestamptz;
alter table conversation add column sla_next_response_due_at timestamptz;
alter table conversation add column sla_resolution_due_at timestamptz;
update conversation set routed_at = created_at, queued_at = created_at;

create index conversation_routing on conversation (workspace_id, priority desc) where routed_at is null or (assignee_id is null and status in ('new', 'open'));
create index conversation_agent_load on conversation (assignee_id) where status in ('new', 'open');
create index conversation_sla on conversation (workspace_id) where status <> 'resolved' and queue_id is not null;
create index assignment_conversation on assignment (conversation_id, created_at);
