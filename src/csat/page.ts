// The public survey page: five buttons and an optional comment in one form (no script), and the
// pages that answer it. Everything shown is escaped; the page forbids scripts through its CSP.

export const commentLengthMax = 2000

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** Headers every survey page is sent with. */
export const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const

const style = `body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1f2937}
h1{font-size:1.4rem}.scores{display:flex;gap:.5rem;margin:1rem 0}
.scores button{flex:1;font-size:1.3rem;padding:.8rem 0;border:1px solid #9ca3af;border-radius:.5rem;background:#f9fafb;cursor:pointer}
.scores button:hover,.scores button:focus{background:#dbeafe}textarea{width:100%;min-height:6rem;box-sizing:border-box}
.hint{color:#6b7280;font-size:.9rem}`

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${style}</style></head><body>${body}</body></html>`
}

export function surveyPage(brand: string, token: string): string {
  const buttons = [1, 2, 3, 4, 5].map((n) => `<button type="submit" name="score" value="${n}" aria-label="${n} out of 5">${n}</button>`).join('')
  return layout(`How did ${brand} do?`, `<h1>How did ${escapeHtml(brand)} do?</h1>
<form method="post" action="/csat/${escapeHtml(token)}">
<label for="comment">Anything to add? (optional)</label>
<textarea id="comment" name="comment" maxlength="${commentLengthMax}"></textarea>
<p class="hint">1 = very unhappy, 5 = very happy. Your choice sends the form.</p>
<div class="scores" role="group" aria-label="Score from 1 to 5">${buttons}</div>
</form>`)
}

export function thanksPage(brand: string, score: number): string {
  return layout('Thank you', `<h1>Thank you!</h1><p>You gave ${escapeHtml(brand)} ${score} out of 5. Your answer has been recorded.</p>`)
}

export function problemPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`)
}
