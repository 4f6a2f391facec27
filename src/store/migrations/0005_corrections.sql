-- Agents correct what triage said; each correction is kept with who and when, and feeds retraining.
create table triage_correction (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  message_id uuid not null references message(id) on delete cascade,
  field text not null check (field in ('sentiment', 'intent')),
  old_value text,
  new_value text not null,
  actor text not null,
  created_at timestamptz not null default now()
);
create index triage_correction_workspace on triage_correction (workspace_id, created_at);

alter table conversation add column priority_override integer check (priority_override between 0 and 100);
