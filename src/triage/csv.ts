// A small RFC 4180 CSV parser: quoted fields with "" escapes, quoted CR/LF, CRLF or LF
// record separators, an optional UTF-8 BOM. Tolerant of a bare quote inside an unquoted field.

export type CsvRow = string[]

/** Parses CSV text into rows of fields. A trailing empty line is not a record. */
export function parseCsv(input: string): CsvRow[] {
  const rows: CsvRow[] = []
  let row: string[] = []
  let field = ''
  let i = input.charCodeAt(0) === 0xfeff ? 1 : 0
  const n = input.length
  let inQuotes = false
  let fieldStarted = false // whether the current record has any content
  while (i < n) {
    const c = input[i]!
    if (inQuotes) {
      if (c === '"') {
        if (input[i + 1] === '"') { field += '"'; i += 2; continue }
        inQuotes = false; i++; continue
      }
      field += c; i++; continue
    }
    if (c === '"' && field.length === 0) { inQuotes = true; fieldStarted = true; i++; continue }
    if (c === ',') { row.push(field); field = ''; fieldStarted = true; i++; continue }
    if (c === '\r' || c === '\n') {
      if (c === '\r' && input[i + 1] === '\n') i++
      i++
      if (fieldStarted || field.length > 0 || row.length > 0) { row.push(field); rows.push(row) }
      row = []; field = ''; fieldStarted = false
      continue
    }
    field += c; fieldStarted = true; i++
  }
  if (inQuotes || fieldStarted || field.length > 0 || row.length > 0) { row.push(field); rows.push(row) }
  return rows
}

export interface CsvTable { header: string[]; records: Record<string, string>[] }

/** Parses CSV with a header row into objects keyed by (trimmed, lower-cased) column name. */
export function parseCsvTable(input: string): CsvTable {
  const rows = parseCsv(input)
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase())
  const records: Record<string, string>[] = []
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!
    if (cells.length === 1 && cells[0] === '') continue
    const rec: Record<string, string> = {}
    for (let k = 0; k < header.length; k++) rec[header[k]!] = cells[k] ?? ''
    records.push(rec)
  }
  return { header, records }
}
