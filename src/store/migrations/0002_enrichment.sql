-- Triage results on each message, and the conversation's summary of them.
alter table message
  add column lang text,
  add column lang_confidence real,
  add column sentiment text check (sentiment in ('negative', 'neutral', 'positive')),
  add column sentiment_score real,
  add column intent text check (intent in ('complaint', 'question', 'praise', 'idea', 'spam', 'other')),
  add column intent_confidence real,
  add column risk_flags text[] not null default '{}',
  add column pii jsonb not null default '[]';

alter table conversation
  add column lang text,
  add column sentiment text,
  add column sentiment_score real,
  add column intent text,
  add column risk_flags text[] not null default '{}';
