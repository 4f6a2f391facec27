-- Priority contributions at the conversation level (src/core/priority.ts conversationReasons):
-- repeat contact counts a contact's conversations of the last 7 days; the SLA watch's pass over new/open
-- conversations reads them by last message time.
create index conversation_contact_recent on conversation (workspace_id, contact_id, created_at);
create index conversation_open_by_last_message on conversation (last_message_at) where status in ('new', 'open');
