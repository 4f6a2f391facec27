/** Our row ids are UUIDs; anything else cannot name a row, so lookups answer "not found" without asking the database. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f-]{36}$/i.test(value)
}
