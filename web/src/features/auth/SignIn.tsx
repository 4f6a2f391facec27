import { useState, type FormEvent } from 'react'
import { useSession } from './session.tsx'

export function SignIn() {
  const { signIn, problem } = useSession()
  const [withToken, setWithToken] = useState(false)
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [token, setToken] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    await signIn(withToken ? { token: token.trim() } : { email: email.trim(), password })
    setBusy(false)
  }
  return (
    <main className="signin">
      <form onSubmit={(e) => void submit(e)} className="card stack" aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Earshot</h1>
        {problem !== null && <p role="alert" className="error-text">{problem}</p>}
        {withToken ? (
          <>
            <label htmlFor="token">API token</label>
            <input id="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} required />
            <p className="hint">The server prints an admin token (or uses <code>EARSHOT_ADMIN_TOKEN</code>) when it starts. Its link opens this page already signed in.</p>
          </>
        ) : (
          <>
            <label htmlFor="email">E-mail</label>
            <input id="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
            <label htmlFor="password">Password</label>
            <input id="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </>
        )}
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <button type="button" className="ghost" onClick={() => setWithToken(!withToken)}>
          {withToken ? 'Sign in with e-mail and password' : 'Use an API token instead'}
        </button>
      </form>
    </main>
  )
}
