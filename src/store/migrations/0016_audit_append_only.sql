-- The audit log is append-only in the database, not only by convention: rows cannot be updated,
-- deleted or truncated. The one exception is a workspace being deleted, whose audit rows go with
-- it through the foreign key's cascade (the cascade's DELETE runs inside the RI trigger, so this
-- trigger then fires at depth 2; a direct DELETE fires it at depth 1).
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
    return old;
  end if;
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();

create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
