-- Web sign-in (issue 7): agents may have a password and a role; a browser holds an HttpOnly session
-- cookie whose secret is stored only as a hash, with the CSRF token the page must echo on writes.
alter table agent add column password_hash text;
alter table agent add column role text not null default 'agent' check (role in ('agent', 'supervisor'));
create index agent_email_lower on agent (lower(email));

create table web_session (
  id uuid primary key default gen_random_uuid(),
  secret_hash text not null unique,
  csrf_token text not null,
  -- exactly one principal: an API token exchanged for a cookie, or an agent who signed in with a password
  token_id uuid references api_token(id) on delete cascade,
  agent_id uuid references agent(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  check ((token_id is null) <> (agent_id is null))
);
create index web_session_expires on web_session (expires_at);
