-- Conversation workflow (issues 6 and 7): tags (the column came with routing in 0009), internal notes
-- with @mentions of agents and their seen markers, merge (the merged conversation stays as a pointer to
-- the one that absorbed it, so its URL and its platform thread key keep leading there) and split.
alter table conversation add column merged_into uuid references conversation(id) on delete set null;
alter table conversation add column merged_at timestamptz;
create index conversation_merged_into on conversation (merged_into) where merged_into is not null;
create index conversation_tags on conversation using gin (tags);
create index conversation_contact on conversation (contact_id, last_message_at desc) where contact_id is not null;

-- Internal notes never leave Earshot: no outbox row, no platform call.
create table note (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspace(id) on delete cascade,
  conversation_id uuid not null references conversation(id) on delete cascade,
  author_agent_id uuid references agent(id) on delete set null,
  author_name text not null, -- the agent's name, or the API token's name when no agent wrote it
  text text not null,
  created_at timestamptz not null default now()
);
create index note_conversation on note (conversation_id, created_at);

create table mention (
  note_id uuid not null references note(id) on delete cascade,
  workspace_id uuid not null references workspace(id) on delete cascade,
  conversation_id uuid not null references conversation(id) on delete cascade,
  agent_id uuid not null references agent(id) on delete cascade,
  handle text not null, -- as written, without the @
  created_at timestamptz not null default now(),
  seen_at timestamptz,
  primary key (note_id, agent_id)
);
create index mention_agent on mention (agent_id, conversation_id);
create index mention_unseen on mention (agent_id) where seen_at is null;
